/** Names are compared on their first characters only: enough to catch a typo, and bounded for hostile input. */
const COMPARED_LENGTH = 80;

/**
 * The known name closest to one that was not found (a typo, a renamed entry), for a "did you mean"; none
 * when nothing is close. Case is ignored. Edit distance over at most COMPARED_LENGTH characters of each
 * name, so one lookup costs at most that squared per known name.
 */
export function closestName(wanted: string, known: Iterable<string>): string | undefined {
  const target = wanted.toLowerCase().slice(0, COMPARED_LENGTH);
  const limit = Math.max(2, Math.floor(target.length * 0.4));
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(target, name.toLowerCase().slice(0, COMPARED_LENGTH), Math.min(limit, best ? best.distance - 1 : limit));
    if (distance !== undefined && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance, or undefined once it must exceed `limit` (rows whose minimum passes it stop the walk). */
function editDistance(a: string, b: string, limit: number): number | undefined {
  if (Math.abs(a.length - b.length) > limit) return undefined;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      current.push(value);
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return undefined;
    previous = current;
  }
  const distance = previous[b.length]!;
  return distance <= limit ? distance : undefined;
}
