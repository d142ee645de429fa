import type { Paper } from '../papers/index.js';
import { analyzeTerm, analyzeWithSpans, tokenize } from '../text/index.js';

/**
 * Lookups (a name, an acronym, a few keywords) that the analyzer alone gets wrong: a name split in two
 * ("Mimic Gen" for MimicGen) or written as one ("OpenVLA" where the library writes "Open VLA"), an acronym
 * the library spells out ("GAIL" for the paper titled Generative Adversarial Imitation Learning), and two
 * words that mean something only together ("world model", not "real-world ... models").
 */

/** Whether the library has an analyzed term: the lexical index's document frequency is above zero. */
export type Vocabulary = (term: string) => boolean;

/**
 * The forms of a lookup's names the library has and the query lacks, to append to it: two adjacent words
 * joined ("Mimic Gen" → "MimicGen") when the library has the joined word, and a camel-case name split
 * ("OpenVLA" → "Open VLA") when the library has its parts but not the name. Appended, never substituted:
 * the words as typed still count.
 */
export function compoundForms(text: string, vocabulary: Vocabulary): string[] {
  const tokens = tokenize(text);
  const forms: string[] = [];
  const has = (token: string) => {
    const term = analyzeTerm(token);
    return term !== null && vocabulary(term);
  };
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (next !== undefined && analyzeTerm(token) !== null && analyzeTerm(next) !== null && has(token + next)) forms.push(token + next);
    const parts = token.split(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u);
    if (parts.length > 1 && !has(token) && parts.every(has)) forms.push(...parts);
  });
  return forms;
}

/** What an acronym looks like: 2 to 10 letters and digits, at least one a letter. */
const ACRONYM_SHAPE = /^(?=.*\p{L})[\p{L}\p{N}]{2,10}$/u;

const capitals = (word: string) => word.match(/\p{Lu}/gu)?.length ?? 0;

/**
 * The spelled-out forms of the lookup's acronyms that papers mentioning them define, as in
 * "Generative adversarial imitation learning (GAIL)": the query gains the words of the paper that
 * introduced it, which often never uses the acronym itself. A query word may be an acronym when typed
 * with two or more capitals (GAIL, MoE, D4RL) or, typed in lower case (gail), when `isRare` says few
 * papers have it (a common word is not worth the look). A definition counts when the words before the
 * parenthesis spell the acronym (Schwartz and Hearst's algorithm), and the acronym as written there has
 * two or more capitals, so "(data)" defines nothing.
 */
export function acronymExpansions(
  text: string,
  papersMentioning: (word: string) => readonly Paper[],
  isRare: (word: string) => boolean,
): string[] {
  const expansions = new Set<string>();
  for (const token of tokenize(text)) {
    if (!ACRONYM_SHAPE.test(token) || (capitals(token) < 2 && !isRare(token))) continue;
    const definition = new RegExp(`\\((${token})s?\\)`, 'giu');
    for (const paper of papersMentioning(token)) {
      for (const match of paper.abstract.matchAll(definition)) {
        const acronym = match[1]!;
        if (capitals(acronym) < 2) continue;
        const longForm = spelledOut(acronym, paper.abstract.slice(0, match.index));
        if (longForm) expansions.add(longForm.toLowerCase());
      }
    }
  }
  return [...expansions];
}

/**
 * The words just before an acronym's parenthesis that spell it, or null. Each character of the acronym,
 * from the last, is found going back through the words; the first must start a word (Schwartz & Hearst,
 * "A simple algorithm for identifying abbreviation definitions in biomedical text", 2003).
 */
function spelledOut(acronym: string, before: string): string | null {
  const words = before.trimEnd().split(/\s+/);
  const window = words.slice(-Math.min(acronym.length + 5, acronym.length * 2)).join(' ');
  const longForm = window.toLowerCase();
  const short = acronym.toLowerCase();
  let l = longForm.length - 1;
  for (let s = short.length - 1; s >= 0; s--) {
    const character = short[s]!;
    if (!/[\p{L}\p{N}]/u.test(character)) continue;
    while (l >= 0 && (longForm[l] !== character || (s === 0 && l > 0 && /[\p{L}\p{N}]/u.test(longForm[l - 1]!)))) l--;
    if (l < 0) return null;
    l--;
  }
  const start = longForm.lastIndexOf(' ', l) + 1;
  return window.slice(start);
}

/**
 * Whether a text has the phrase's terms next to each other, in order: separated by spaces or one hyphen
 * only, and not starting inside a hyphenated word ("real-world model" is not a world model).
 */
export function hasPhrase(text: string, phrase: readonly string[]): boolean {
  const spans = analyzeWithSpans(text);
  for (let i = 0; i + phrase.length <= spans.length; i++) {
    if (spans[i]!.term !== phrase[0] || text[spans[i]!.start - 1] === '-') continue;
    let j = 1;
    while (
      j < phrase.length &&
      spans[i + j]!.term === phrase[j] &&
      /^(\s+|-)$/u.test(text.slice(spans[i + j - 1]!.end, spans[i + j]!.start))
    )
      j++;
    if (j === phrase.length) return true;
  }
  return false;
}

/**
 * Hits re-scored so that papers using a lookup's words together (in title or abstract) gain `boost` of
 * their score, best first again. Only the given hits are read: the pool the lexical list already holds.
 */
export function favourPhrase<T extends { ordinal: number; score: number }>(
  hits: readonly T[],
  phrase: readonly string[],
  paperOf: (ordinal: number) => Paper,
  boost: number,
): T[] {
  return hits
    .map((hit) => {
      const paper = paperOf(hit.ordinal);
      return hasPhrase(paper.title, phrase) || hasPhrase(paper.abstract, phrase) ? { ...hit, score: hit.score * (1 + boost) } : hit;
    })
    .sort((a, b) => b.score - a.score || a.ordinal - b.ordinal);
}
