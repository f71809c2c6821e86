import type { Agent } from '../../domain/listing.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { CredentialType } from './credential.js';
import { ProviderEnum } from './enums.js';

/**
 * Neither provider can look an agent up by id, so `node(id:)` finds agents this server has seen in
 * listing details recently (a bounded memory), and null otherwise.
 */
export const AgentNode = builder.loadableNode('Agent', {
  description: 'The agent (经纪人) who handles a listing.',
  id: { resolve: (agent) => `${agent.provider}:${agent.sourceId}` },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'credentials' in value,
  load: async (ids: string[], ctx: GraphQLContext) => ids.map((id) => ctx.store.agent(id) ?? null) as Agent[],
  fields: (t) => ({
    provider: t.expose('provider', { type: ProviderEnum, description: 'Where the agent is registered.' }),
    sourceId: t.exposeString('sourceId', { description: "The provider's agent id (Beike agentUcid)." }),
    name: t.exposeString('name', { description: 'Name.' }),
    title: t.exposeString('title', { nullable: true, description: 'Role on the listing, e.g. 房源维护人.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Contact number as published.' }),
    company: t.exposeString('company', { nullable: true, description: 'Agency.' }),
    credentials: t.expose('credentials', { type: [CredentialType], description: 'Licences and badges.' }),
  }),
});
