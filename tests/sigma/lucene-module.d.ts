// The `lucene` package (Lucene query parser, dev dependency of the property tests) ships no types.
declare module 'lucene' {
  const lucene: { parse(query: string): unknown };
  export default lucene;
}
