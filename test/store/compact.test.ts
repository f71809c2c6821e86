import { describe, expect, it } from 'vitest';
import { type Agent, type Listing, listingFromFacts } from '../../src/domain/listing.js';
import { Compactor } from '../../src/store/compact.js';

const agent = (credentialNumber: string | null): Agent => ({
  provider: 'BEIKE',
  sourceId: '1000000010081720',
  name: '张忠良',
  title: '房源维护人',
  phone: null,
  company: null,
  credentials: [
    { name: '全国房地产经纪人协理证', number: credentialNumber, imageUrl: 'https://img.example/c.jpg' },
  ],
});

/** A detail as a normaliser makes it: every part an object and string of its own. */
function detail(sourceId: string, over: Partial<Listing> = {}): Listing {
  const listing = listingFromFacts(
    {
      provider: 'BEIKE',
      sourceId,
      cityId: '110000',
      listingType: 'RESALE',
      communityId: '1111027379646',
      communityName: '双裕花园西区',
      district: '顺义区',
      totalPrice: 2_350_000,
      unitPrice: 37_067,
      monthlyRent: null,
      area: 63.4,
      bedrooms: 1,
      livingRooms: 1,
      floor: { text: '顶层(共4层)', level: 'TOP', total: 4 },
    },
    { title: `双裕花园西区 ${sourceId}`, fetchedAt: '2026-01-02T03:04:05.000Z', isActive: true },
  );
  return {
    ...listing,
    tags: ['满五年', '随时可看'],
    orientations: ['SOUTH'],
    photos: [{ url: `https://img.example/${sourceId}.jpg`, caption: '户型', isFloorPlan: true }],
    agent: agent('30620191011100002734'),
    ...over,
  };
}

describe('Compactor', () => {
  it('keeps every value of a listing as it was', () => {
    const compactor = new Compactor();
    for (const listing of [
      detail('a'),
      detail('b', { community: null, agent: null, layout: null, floor: null }),
    ]) {
      const copy = structuredClone(listing);
      expect(compactor.listing(listing)).toStrictEqual(copy);
    }
  });

  it('shares the equal parts of two listings, and none of their own', () => {
    const compactor = new Compactor();
    const a = compactor.listing(detail('a'));
    const b = compactor.listing(detail('b'));
    expect(b.agent).toBe(a.agent);
    expect(b.community).toBe(a.community);
    expect(b.layout).toBe(a.layout);
    expect(b.floor).toBe(a.floor);
    expect(b.tags).toBe(a.tags);
    expect(b.photos[0]).not.toBe(a.photos[0]);
    expect(b.photos[0]?.url).toBe('https://img.example/b.jpg');
  });

  it('takes an agent that has changed since, rather than the one it kept', () => {
    const compactor = new Compactor();
    compactor.listing(detail('a'));
    const changed = compactor.listing(detail('b', { agent: agent('NEW-NUMBER') }));
    expect(changed.agent?.credentials[0]?.number).toBe('NEW-NUMBER');
    expect(compactor.listing(detail('c', { agent: agent('NEW-NUMBER') })).agent).toBe(changed.agent);
  });
});
