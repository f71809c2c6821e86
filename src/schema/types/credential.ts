import type { Credential } from '../../domain/listing.js';
import { builder } from '../builder.js';

export const CredentialType = builder.objectRef<Credential>('Credential').implement({
  description: "An agent's licence, badge or agency document.",
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. 全国房地产经纪人协理证.' }),
    number: t.exposeString('number', { nullable: true, description: 'Certificate number, where shown.' }),
    imageUrl: t.exposeString('imageUrl', { nullable: true, description: 'Picture of the document.' }),
  }),
});
