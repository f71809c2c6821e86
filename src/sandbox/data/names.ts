import type { Rng } from '../random.js';
import { NAME_PARTS, NAME_STYLES } from './geography.js';

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '志强',
  '海燕',
  '建华',
  '晓东',
  '丽娟',
  '文博',
  '子轩',
  '雨桐',
];

export function personName(rng: Rng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN);
}

/** A community name not in `taken` ("远洋雅苑西区"); adds it to `taken`. */
export function communityName(rng: Rng, roots: readonly string[], taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const name = rng.pick(roots) + rng.pick(NAME_STYLES) + rng.pick(NAME_PARTS);
    // After many collisions (huge scales) a numbered phase keeps names unique and plausible.
    const unique = attempt < 50 ? name : `${name}${attempt}期`;
    if (!taken.has(unique)) {
      taken.add(unique);
      return unique;
    }
  }
}
