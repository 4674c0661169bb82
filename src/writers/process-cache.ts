/**
 * The writers' caches for the life of the process (hyphenated words, line-break answers, shaped
 * words): the documents of a run, and the requests of the web server, share most of their words.
 */

/**
 * The value `cache` holds for `key`, else `compute()`, then kept in `cache`. A cache holding
 * `kept` entries is emptied whole before it takes a new one, so that a long-lived process (the
 * web server) or a huge document does not make it grow without bound.
 * @throws what `compute` throws (nothing is kept then).
 */
export function remembered<V>(cache: Map<string, V>, kept: number, key: string, compute: () => V): V {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= kept) cache.clear();
    cache.set(key, value);
  }
  return value;
}
