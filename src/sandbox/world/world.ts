import type { ListingType, ProviderName } from '../../domain/listing.js';
import { chinaDate, chinaDateTime } from '../data/dates.js';
import type { BeikeListingRecord, FangHouseRecord, FangHouseType, SandboxData } from '../data/records.js';
import { SEED_LISTING } from '../data/seed-listing.js';
import { Rng } from '../random.js';

/**
 * The sandbox's world over simulated time. At day 0 it is exactly the generated data; each
 * simulated day some asking prices are cut or raised, some listings are withdrawn and some new
 * ones appear, all drawn from the seed, so a run is repeatable. Simulated time moves only when
 * `advance` is called: between advances the clock stands still, so that what the gateway records
 * can be compared exactly with the ground truth kept here.
 */

export const DAY_MS = 86_400_000;

/** Per simulated day, for each listing on offer. */
const PRICE_CHANGE_PER_DAY = 0.03;
const CUT_SHARE = 0.7;
const WITHDRAW_PER_DAY = 0.008;
/** New listings per day, as a share of those on offer. */
const NEW_PER_DAY = 0.006;

export interface TruthPoint {
  /** Epoch ms on the sandbox clock. */
  at: number;
  totalPrice: number | null;
  unitPrice: number | null;
  monthlyRent: number | null;
}

/** What really happened to one listing, for tests to compare with what the gateway recorded. */
export interface ListingTruth {
  provider: ProviderName;
  sourceId: string;
  cityId: string;
  listingType: ListingType;
  district: string;
  bedrooms: number;
  /** Every asking price it had, oldest first; the first is the one it appeared with. */
  points: TruthPoint[];
  appearedAt: number;
  withdrawnAt: number | null;
}

const FANG_TYPES: Record<FangHouseType, ListingType> = {
  second: 'RESALE',
  rent: 'RENTAL',
  new: 'NEW_HOME',
  commercial: 'COMMERCIAL',
};

export class SandboxWorld {
  private dayNumber = 0;
  private current: SandboxData;
  private readonly truthByKey = new Map<string, ListingTruth>();
  private readonly beike = new Map<string, BeikeListingRecord>();
  private readonly fang = new Map<string, FangHouseRecord>();
  private readonly listeners: ((data: SandboxData) => void)[] = [];

  constructor(
    initial: SandboxData,
    private readonly origin: number,
  ) {
    this.current = initial;
    for (const l of initial.beike.listings) {
      this.beike.set(l.houseCode, l);
      this.remember(beikeTruth(l, origin));
    }
    for (const h of initial.fang.houses) {
      this.fang.set(h.houseId, h);
      this.remember(fangTruth(h, origin));
    }
  }

  get day(): number {
    return this.dayNumber;
  }

  /** The simulated clock: the start plus the simulated days so far. */
  now(): number {
    return this.origin + this.dayNumber * DAY_MS;
  }

  get data(): SandboxData {
    return this.current;
  }

  truth(provider: ProviderName, sourceId: string): ListingTruth | undefined {
    return this.truthByKey.get(`${provider}|${sourceId}`);
  }

  truths(): ListingTruth[] {
    return [...this.truthByKey.values()];
  }

  /** Called with the new data after every advance (the simulated servers rebuild their answers). */
  onChange(listener: (data: SandboxData) => void): void {
    this.listeners.push(listener);
  }

  advance(days: number): void {
    if (!Number.isInteger(days) || days < 1 || days > 3_650) {
      throw new Error('advance: days must be a whole number from 1 to 3650');
    }
    for (let i = 0; i < days; i++) this.step();
    const listings = [...this.beike.values()];
    const houses = [...this.fang.values()];
    // Spread first: fields other parts of the sandbox add to the data travel along unchanged.
    this.current = {
      ...this.current,
      beike: { ...this.current.beike, listings, byHouseCode: new Map(this.beike) },
      fang: { ...this.current.fang, houses, byId: new Map(this.fang) },
    };
    for (const listener of this.listeners) listener(this.current);
  }

  private step(): void {
    this.dayNumber++;
    const at = this.now();
    const rng = new Rng(this.current.seed, `world:day:${this.dayNumber}`);

    for (const [code, listing] of [...this.beike]) {
      if (code === SEED_LISTING.houseCode) continue;
      if (rng.chance(WITHDRAW_PER_DAY)) {
        this.beike.delete(code);
        this.withdraw('BEIKE', code, at);
      } else if (rng.chance(PRICE_CHANGE_PER_DAY)) {
        const wan = listing.price / 10_000;
        const factor = rng.chance(CUT_SHARE) ? 1 - rng.float(0.02, 0.1) : 1 + rng.float(0.01, 0.05);
        const next = Math.max(30, Math.round(wan * factor)) * 10_000;
        if (next === listing.price) continue;
        const changed = { ...listing, price: next, unitPrice: Math.ceil(next / listing.area) };
        this.beike.set(code, changed);
        this.pricePoint('BEIKE', code, {
          at,
          totalPrice: next,
          unitPrice: changed.unitPrice,
          monthlyRent: null,
        });
      }
    }
    for (const [id, house] of [...this.fang]) {
      if (rng.chance(WITHDRAW_PER_DAY)) {
        this.fang.delete(id);
        this.withdraw('FANG', id, at);
      } else if (rng.chance(PRICE_CHANGE_PER_DAY)) {
        const changed = repriceFang(house, rng);
        if (!changed) continue;
        this.fang.set(id, changed);
        this.pricePoint('FANG', id, {
          at,
          totalPrice: changed.price,
          unitPrice: changed.unitPrice,
          monthlyRent: changed.monthlyRent,
        });
      }
    }

    const beikeNew = Math.round(this.beike.size * NEW_PER_DAY);
    const beikeTemplates = [...this.beike.values()];
    for (let i = 0; i < beikeNew && beikeTemplates.length > 0; i++) {
      const template = rng.pick(beikeTemplates);
      const code = this.freshId(rng, template.houseCode.slice(0, 4), 8, (c) => this.beike.has(c));
      const price = Math.max(30, Math.round((template.price / 10_000) * rng.float(0.9, 1.1))) * 10_000;
      const listing: BeikeListingRecord = {
        ...template,
        houseCode: code,
        price,
        unitPrice: Math.ceil(price / template.area),
        listedAt: chinaDate(at),
        url: template.url.replace(template.houseCode, code),
        relevance: beikeTemplates.length + this.dayNumber * 1_000 + i,
      };
      this.beike.set(code, listing);
      this.remember(beikeTruth(listing, at));
    }
    const fangNew = Math.round(this.fang.size * NEW_PER_DAY);
    const fangTemplates = [...this.fang.values()];
    for (let i = 0; i < fangNew && fangTemplates.length > 0; i++) {
      const template = rng.pick(fangTemplates);
      const prefix = template.houseId.slice(0, template.houseId.lastIndexOf('_') + 1);
      const id = this.freshId(rng, prefix, 8, (c) => this.fang.has(c));
      const house: FangHouseRecord = { ...template, houseId: id, publishTime: chinaDateTime(at) };
      this.fang.set(id, house);
      this.remember(fangTruth(house, at));
    }
  }

  private freshId(rng: Rng, prefix: string, digits: number, taken: (id: string) => boolean): string {
    for (;;) {
      const id = `${prefix}${rng.digits(digits)}`;
      if (!taken(id) && !this.truthByKey.has(`BEIKE|${id}`) && !this.truthByKey.has(`FANG|${id}`)) return id;
    }
  }

  private remember(truth: ListingTruth): void {
    this.truthByKey.set(`${truth.provider}|${truth.sourceId}`, truth);
  }

  private withdraw(provider: ProviderName, id: string, at: number): void {
    const truth = this.truth(provider, id);
    if (truth) truth.withdrawnAt = at;
  }

  private pricePoint(provider: ProviderName, id: string, point: TruthPoint): void {
    this.truth(provider, id)?.points.push(point);
  }
}

function repriceFang(house: FangHouseRecord, rng: Rng): FangHouseRecord | null {
  const factor = rng.chance(CUT_SHARE) ? 1 - rng.float(0.02, 0.1) : 1 + rng.float(0.01, 0.05);
  if (house.monthlyRent !== null) {
    const rent = Math.max(500, Math.round((house.monthlyRent * factor) / 100) * 100);
    return rent === house.monthlyRent ? null : { ...house, monthlyRent: rent };
  }
  if (house.priceWan === null) return null;
  const priceWan = Math.max(10, Math.round(house.priceWan * factor));
  if (priceWan === house.priceWan) return null;
  const price = priceWan * 10_000;
  return { ...house, priceWan, price, unitPrice: Math.round(price / house.area) };
}

function beikeTruth(l: BeikeListingRecord, at: number): ListingTruth {
  return {
    provider: 'BEIKE',
    sourceId: l.houseCode,
    cityId: l.cityId,
    listingType: 'RESALE',
    district: l.districtFull,
    bedrooms: l.bedrooms,
    points: [{ at, totalPrice: l.price, unitPrice: l.unitPrice, monthlyRent: null }],
    appearedAt: at,
    withdrawnAt: null,
  };
}

function fangTruth(h: FangHouseRecord, at: number): ListingTruth {
  return {
    provider: 'FANG',
    sourceId: h.houseId,
    cityId: h.cityId,
    listingType: FANG_TYPES[h.houseType],
    district: h.districtFull,
    bedrooms: h.bedrooms,
    points: [{ at, totalPrice: h.price, unitPrice: h.unitPrice, monthlyRent: h.monthlyRent }],
    appearedAt: at,
    withdrawnAt: null,
  };
}
