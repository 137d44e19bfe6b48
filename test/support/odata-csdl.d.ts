/** The OASIS OData TC's CSDL XML to CSDL JSON converter (it ships no types). */
declare module 'odata-csdl' {
  export function xml2json(
    xml: string,
    options?: { lineNumbers?: boolean; annotations?: boolean; strict?: boolean; messages?: unknown[] },
  ): unknown;
}
