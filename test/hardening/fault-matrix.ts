import type { Fault, SandboxProvider } from '../../src/sandbox/index.js';
import type { GraphQLResponse, TestGateway } from '../support/gateway.js';

/**
 * Every fault the sandbox can inject, for each provider, with the answer the providers' contract
 * (/work/shared/providers.md, README "Errors") calls for. Shared by the fault-matrix test and the
 * secrets test, which replays it and reads everything that came out.
 */

/** Small timeouts and one retry keep the hanging faults to a fraction of a second. */
export const FAULT_ENV: Record<string, string> = {
  BEIKE_TIMEOUT_MS: '200',
  FANG_TIMEOUT_MS: '200',
  BEIKE_DEADLINE_MS: '1000',
  FANG_DEADLINE_MS: '1000',
  RETRY_MAX_ATTEMPTS: '2',
};

type Outcome =
  /** The provider fails with this code. */
  | { error: string }
  /** The provider says "no such thing": an empty page, a null listing, no error. */
  | { notFound: true }
  /** The provider's answer is damaged but usable: listings come through. */
  | { data: true };

export interface FaultCase {
  provider: SandboxProvider;
  fault: Fault;
  expected: Outcome;
}

const unavailable = { error: 'UPSTREAM_UNAVAILABLE' };
const auth = { error: 'UPSTREAM_AUTH_FAILED' };

const TRANSPORT: [Fault, Outcome][] = [
  [{ kind: 'timeout' }, unavailable],
  [{ kind: 'reset' }, unavailable],
  // Each gap longer than the whole-attempt timeout.
  [{ kind: 'slowBody', chunkDelayMs: 400 }, unavailable],
  [{ kind: 'status', status: 500 }, unavailable],
  [{ kind: 'status', status: 502 }, unavailable],
  [{ kind: 'status', status: 503 }, unavailable],
  [{ kind: 'status', status: 504 }, unavailable],
  [{ kind: 'malformedJson' }, { error: 'UPSTREAM_BAD_RESPONSE' }],
  [{ kind: 'html' }, unavailable],
  // Over UPSTREAM_MAX_BODY_BYTES (4 MiB by default).
  [{ kind: 'hugeBody', bytes: 10 * 1024 * 1024 }, { error: 'UPSTREAM_BAD_RESPONSE' }],
  [{ kind: 'wrongTypes' }, { data: true }],
];

/** Just One API's business codes. */
const BEIKE_CODES: [number, Outcome][] = [
  [100, auth],
  [201, { notFound: true }],
  [300, auth],
  [301, unavailable],
  [302, { error: 'UPSTREAM_RATE_LIMITED' }],
  [303, { error: 'UPSTREAM_QUOTA_EXHAUSTED' }],
  [400, { error: 'UPSTREAM_BAD_REQUEST' }],
  [500, unavailable],
  [600, auth],
  [601, auth],
];

/** Fang's error_response sub_codes. */
const FANG_SUB_CODES: [string, Outcome][] = [
  ['invalid_signature', auth],
  ['rate_limited', { error: 'UPSTREAM_RATE_LIMITED' }],
  ['quota_exceeded', { error: 'UPSTREAM_QUOTA_EXHAUSTED' }],
  ['no_permission', auth],
  ['invalid_parameter', { error: 'UPSTREAM_BAD_REQUEST' }],
  ['item_not_found', { notFound: true }],
  ['internal_error', unavailable],
  ['bad_gateway', unavailable],
  ['service_unavailable', unavailable],
  ['upstream_timeout', unavailable],
];

export const FAULT_MATRIX: FaultCase[] = (['beike', 'fang'] as const).flatMap((provider) => [
  ...TRANSPORT.map(([fault, expected]) => ({ provider, fault, expected })),
  ...(provider === 'beike' ? BEIKE_CODES : FANG_SUB_CODES).map(([code, expected]) => ({
    provider,
    fault: { kind: 'businessCode', code } as Fault,
    expected,
  })),
]);

export const describeCase = (c: FaultCase) =>
  `${c.provider} ${c.fault.kind}${'status' in c.fault ? ` ${c.fault.status}` : ''}${'code' in c.fault ? ` ${c.fault.code}` : ''}`;

/** What the matrix's queries select. */
export interface MatrixData {
  search?: {
    edges: { node: { provider: string; sourceId?: string; title?: string } }[];
    providers?: { provider: string; state: string }[];
  };
  listing?: { sourceId: string; title: string; agent: { name: string } | null } | null;
}

export interface Exchange {
  response: GraphQLResponse<MatrixData>;
  /** Status line, headers and body as received. */
  text: string;
}

export async function exchange(gw: TestGateway, query: string): Promise<Exchange> {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const body = await response.text();
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  return {
    response: { status: response.status, ...(JSON.parse(body) as object) },
    text: `${response.status}\n${headers}\n\n${body}`,
  };
}

export interface CaseRun {
  /** A search asking only the failing provider. */
  alone: Exchange;
  /** One listing of the failing provider, with a detail-only field. */
  detail: Exchange;
  /** A search asking both providers. */
  merged: Exchange;
  /** The same listing once the fault is gone: the server and its pools still work. */
  after: Exchange;
}

export const BEIKE_LISTING = { sourceId: '101127449675', cityId: '110000' };

/** A Fang resale listing in Beijing, from the sandbox's own records. */
export function fangListingOf(gw: TestGateway): string {
  const house = gw.app.sandbox!.data.fang.houses.find(
    (h) => h.cityId === '110000' && h.houseId.startsWith('esf_'),
  );
  if (!house) throw new Error('the sandbox has no Fang resale listing in Beijing');
  return house.houseId;
}

export async function runFaultCase(gw: TestGateway, c: FaultCase, fangListing: string): Promise<CaseRun> {
  const sandbox = gw.app.sandbox!;
  const name = c.provider.toUpperCase();
  const listing =
    c.provider === 'beike'
      ? `listing(provider: BEIKE, sourceId: "${BEIKE_LISTING.sourceId}", cityId: "${BEIKE_LISTING.cityId}")`
      : `listing(provider: FANG, sourceId: "${fangListing}")`;
  const detailQuery = `{ ${listing} { sourceId title agent { name } } }`;

  gw.app.store.clear();
  sandbox.faults.clear();
  sandbox.faults.add({ provider: c.provider, fault: c.fault });
  try {
    const alone = await exchange(
      gw,
      `{ search(filter: {cityId: "110000", providers: [${name}]}, first: 3) { edges { node { provider sourceId title } } } }`,
    );
    const detail = await exchange(gw, detailQuery);
    const merged = await exchange(
      gw,
      '{ search(filter: {cityId: "110000"}, first: 4) { edges { node { provider } } providers { provider state } } }',
    );
    sandbox.faults.clear();
    gw.app.store.clear();
    const after = await exchange(gw, detailQuery);
    return { alone, detail, merged, after };
  } finally {
    sandbox.faults.clear();
  }
}
