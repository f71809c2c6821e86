import type { Agent, CommunityRef, Floor, Layout, Listing, Photo } from '../domain/listing.js';
import { BoundedMemo } from '../domain/memo.js';

/**
 * Cached details, made small (README, Performance: memory). A decoded detail repeats what
 * thousands of others say too: an agent's name, title and credentials, a community, a layout
 * ("2室1厅"), a floor, tags and photo captions, each a string or object of its own per listing.
 * Here equal values become one shared value, so that 20,000 details hold each once. A cached
 * listing is read, never written (it is shared by every request already). Not frozen: a frozen
 * object gets a hidden class of its own in V8, which cost more than the sharing saved.
 */
export class Compactor {
  readonly #strings = new BoundedMemo<string>(MAX_DISTINCT);
  readonly #parts = new BoundedMemo<object>(MAX_DISTINCT);

  listing(listing: Listing): Listing {
    const s = (text: string | null) => (text === null ? null : this.#string(text));
    // Every field written out, in one literal, so that every cached detail shares the literal's
    // hidden class. Made by spreading the decoded listing (`{ ...listing, ... }`), the details
    // stopped sharing one after the first few thousand: 20,000 details then held 20,000 hidden
    // classes, ≈ 800 bytes each (heap snapshot).
    return {
      provider: listing.provider,
      sourceId: listing.sourceId,
      isDetail: listing.isDetail,
      fetchedAt: listing.fetchedAt,
      cityId: s(listing.cityId),
      listingType: listing.listingType,
      title: listing.title,
      url: listing.url,
      totalPrice: listing.totalPrice,
      unitPrice: listing.unitPrice,
      monthlyRent: listing.monthlyRent,
      area: listing.area,
      layout:
        listing.layout &&
        this.#part<Layout>(listing.layout, () => ({ ...listing.layout!, text: s(listing.layout!.text) })),
      floor:
        listing.floor &&
        this.#part<Floor>(listing.floor, () => ({ ...listing.floor!, text: s(listing.floor!.text) })),
      orientations: this.#part(listing.orientations, () => [...listing.orientations]),
      decoration: listing.decoration,
      hasElevator: listing.hasElevator,
      builtYear: listing.builtYear,
      listedAt: listing.listedAt,
      tags: this.#part(listing.tags, () => listing.tags.map((tag) => this.#string(tag))),
      amenities: this.#part(listing.amenities, () => [...listing.amenities]),
      photos: listing.photos.map((photo) => this.#photo(photo)),
      community: listing.community && this.#community(listing.community),
      agent: listing.agent && this.#agent(listing.agent),
      downPayment: listing.downPayment,
      monthlyPayment: listing.monthlyPayment,
      address: listing.address,
      location: listing.location,
      description: listing.description,
      isActive: listing.isActive,
    };
  }

  #photo(photo: Photo): Photo {
    // The URL is the listing's own: only the caption ("户型", "客厅") repeats.
    return { ...photo, caption: photo.caption === null ? null : this.#string(photo.caption) };
  }

  #community(community: CommunityRef): CommunityRef {
    return this.#named(`C|${community.sourceId ?? ''}|${community.name}`, community, () => {
      const s = (text: string | null | undefined) => (text ? this.#string(text) : text);
      return {
        ...community,
        sourceId: s(community.sourceId) ?? null,
        name: this.#string(community.name),
        district: s(community.district) ?? null,
        ...(community.districtId === undefined ? {} : { districtId: s(community.districtId) ?? null }),
        subdistrict: s(community.subdistrict) ?? null,
      };
    });
  }

  #agent(agent: Agent): Agent {
    return this.#named(`A|${agent.provider}|${agent.sourceId}`, agent, () => ({
      ...agent,
      credentials: agent.credentials.map((c) => ({ ...c, name: this.#string(c.name) })),
    }));
  }

  /** Short texts repeat (names, captions, districts); long ones (descriptions, URLs) seldom do. */
  #string(text: string): string {
    if (text.length > MAX_SHARED_STRING) return text;
    return this.#strings.get(text, () => text);
  }

  /** One value per distinct content, made by `make` the first time it is met. */
  #part<T extends object>(value: T, make: () => T): T {
    return this.#parts.get(JSON.stringify(value), () => make()) as T;
  }

  /**
   * The same for larger values with an identity (an agent, a community), kept under that short
   * key rather than their whole content; one that has changed since replaces the one kept.
   */
  #named<T extends object>(key: string, value: T, make: () => T): T {
    const kept = this.#parts.get(key, () => make()) as T;
    if (kept === value || JSON.stringify(kept) === JSON.stringify(value)) return kept;
    return this.#parts.set(key, make()) as T;
  }
}

const MAX_SHARED_STRING = 64;
/** Distinct values remembered, each table. */
const MAX_DISTINCT = 50_000;
