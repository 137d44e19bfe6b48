/**
 * The documents the service publishes about itself, without a token (as Graph serves its `$metadata`):
 * `GET /beta/$metadata` (CSDL XML, against which every `@odata.context` resolves) and
 * `GET /beta/openapi.json` (OpenAPI 3.1). Each is made once per process, on its first request: nothing at
 * import, so a fault in one can never hide a function.
 */
import type { AnonymousOperation, Operation } from '../http/operation';
import { metadataDocument } from '../metadata/csdl';
import { type DocumentDeclaration, SERVICE_ROOT, openApiDocument } from '../metadata/openapi';
import type { CollectionDeclaration } from './collection';

export const METADATA_DOCUMENT: DocumentDeclaration = {
  name: 'getMetadata',
  route: `${SERVICE_ROOT}/$metadata`,
  contentType: 'application/xml',
  description: "The service's OData metadata (CSDL XML, OData 4.0)",
};

export const OPENAPI_DOCUMENT: DocumentDeclaration = {
  name: 'getOpenApi',
  route: `${SERVICE_ROOT}/openapi.json`,
  contentType: 'application/json',
  description: "The service's OpenAPI 3.1 document",
};

function documentOperation(
  document: DocumentDeclaration,
  content: (url: URL) => string,
  headers: Record<string, string> = {},
): AnonymousOperation {
  return {
    name: document.name,
    method: 'GET',
    route: document.route,
    anonymous: true,
    hasBody: false,
    queryOptions: [],
    handle: ({ url }) =>
      Promise.resolve({ status: 200, text: { contentType: document.contentType, content: content(url) }, headers }),
  };
}

/**
 * The two operations. `operations` is the whole table (this one included), read on the first request, so an
 * operation added to the table later is in the OpenAPI document without more ado.
 */
export function documentOperations(
  operations: () => readonly Operation[],
  collections: readonly CollectionDeclaration[],
): AnonymousOperation[] {
  let metadata: string | undefined;
  let openApi: string | undefined;
  return [
    documentOperation(
      METADATA_DOCUMENT,
      () => {
        metadata ??= metadataDocument();
        return metadata;
      },
      { 'OData-Version': '4.0' },
    ),
    documentOperation(OPENAPI_DOCUMENT, (url) => {
      openApi ??= JSON.stringify(
        openApiDocument({ operations: operations(), collections, documents: [METADATA_DOCUMENT, OPENAPI_DOCUMENT] }),
      );
      // The server is where the request came (local host, Functions host, or behind a gateway's own URL).
      const servers = JSON.stringify([{ url: `${url.origin}/${SERVICE_ROOT}` }]);
      return openApi.replace('"servers":[]', `"servers":${servers}`);
    }),
  ];
}
