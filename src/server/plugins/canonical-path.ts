import type { RequestListener } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { rawPathOf } from '../graphql-path.js';

/**
 * The one gate in front of the GraphQL handler. Yoga executes any URL whose text ends in the
 * endpoint (`/graphql/`, `//graphql`, `/x/graphql`, even `/?a=/graphql`), while checks keyed on the
 * exact path let those through unchecked. So GraphQL is served on exactly one path, compared on
 * the raw request line (before any URL normalising), and every other path that no probe serves is
 * 404: there is no second door for access control, client limits or shedding to miss.
 */
export function useCanonicalPath(endpoint: string, otherRoutes: readonly string[]): Plugin {
  const known = new Set([endpoint, ...otherRoutes]);
  return {
    onRequest({ url, serverContext, endResponse, fetchAPI }) {
      if (known.has(rawPathOf(url, serverContext))) return;
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [
              {
                message: `Not found: GraphQL is served on ${endpoint} only.`,
                extensions: { code: 'NOT_FOUND' },
              },
            ],
          }),
          { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } },
        ),
      );
    },
  };
}

/**
 * Only origin-form request targets (`/path?query`) reach the gateway: an absolute-form target
 * (`POST http://host/graphql`, meant for proxies) or `*` gets 400 here, where Yoga would build no
 * URL from it and answer 500.
 */
export function withOriginFormOnly(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.url?.startsWith('/')) {
      listener(req, res);
      return;
    }
    res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        errors: [{ message: 'The request target must be a path.', extensions: { code: 'BAD_REQUEST' } }],
      }),
    );
  };
}
