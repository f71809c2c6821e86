import { measureMatchQuality } from '../bench/match-quality.js';
import { DEFAULT_SEED, startSandbox } from '../src/sandbox/index.js';

/**
 * `npm run match:report [seed]`: precision and recall of cross-provider duplicate detection on the
 * sandbox's ground truth, with the reasons for every error. Exits 1 below the targets.
 */

const PRECISION_TARGET = 0.98;
const RECALL_TARGET = 0.9;

const seedArg = process.argv[2];
const seed = seedArg === undefined ? DEFAULT_SEED : Number(seedArg);
if (!Number.isInteger(seed)) {
  console.error('usage: npm run match:report [seed]   (seed: a whole number)');
  process.exit(2);
}

const sandbox = await startSandbox({ seed });
try {
  const q = await measureMatchQuality(sandbox);
  const f = (x: number) => x.toFixed(3);
  console.log(`cross-provider duplicates on the sandbox (seed ${q.seed}, ${q.cities} cities, resale)`);
  console.log(`  stubs read        Beike ${q.stubs.BEIKE}, Fang ${q.stubs.FANG}`);
  console.log(
    `  pairs compared    ${q.comparisons} of ${q.allPairs} after blocking (${q.possibleOnStubs} POSSIBLE on stubs)`,
  );
  console.log(`  details read      Beike ${q.detailReads.BEIKE}, Fang ${q.detailReads.FANG}`);
  console.log(`  ground truth      ${q.truthPairs} same-home pairs, ${q.decoys} decoys`);
  console.log(`  predicted         ${q.predicted}`);
  console.log(`  true positives    ${q.truePositives}`);
  console.log(`  false positives   ${q.falsePositives} (${q.decoysAccepted} of them decoys)`);
  console.log(`  false negatives   ${q.falseNegatives}`);
  console.log(`  precision         ${f(q.precision)} (target >= ${PRECISION_TARGET})`);
  console.log(`  recall            ${f(q.recall)} (target >= ${RECALL_TARGET})`);
  for (const [title, errors] of [
    ['false positives', q.errors.falsePositives],
    ['false negatives', q.errors.falseNegatives],
  ] as const) {
    if (errors.length === 0) continue;
    console.log(`\n${title}:`);
    for (const e of errors) {
      console.log(
        `  ${e.beike} ${e.beikeCommunity ?? '?'}  ~  ${e.fang} ${e.fangCommunity ?? '?'}  [${e.verdict}]`,
      );
      if (e.made) console.log(`    made: ${e.made}`);
      for (const reason of e.reasons) console.log(`    - ${reason}`);
    }
  }
  process.exitCode = q.precision >= PRECISION_TARGET && q.recall >= RECALL_TARGET ? 0 : 1;
} finally {
  await sandbox.close();
}
