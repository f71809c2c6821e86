import { PROVIDERS } from '../../domain/listing.js';
import { builder } from '../builder.js';
import type { Mode } from '../context.js';
import { ModeEnum, ProviderEnum } from './enums.js';

interface ServiceShape {
  mode: Mode;
}

const ServiceType = builder.objectRef<ServiceShape>('Service').implement({
  description: 'About this server.',
  fields: (t) => ({
    mode: t.expose('mode', {
      type: ModeEnum,
      description: 'SANDBOX when the data is simulated; every response also says so in `extensions.mode`.',
    }),
    providers: t.field({
      type: [ProviderEnum],
      description: 'Configured providers; the others answer PROVIDER_NOT_CONFIGURED.',
      resolve: (_s, _args, ctx) => PROVIDERS.filter((p) => ctx.store.provider(p)),
    }),
  }),
});

builder.queryField('service', (t) =>
  t.field({
    type: ServiceType,
    description: 'About this server.',
    resolve: (_root, _args, ctx) => ({ mode: ctx.mode }),
  }),
);
