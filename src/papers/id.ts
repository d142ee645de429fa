import { createHash } from 'node:crypto';

const SLUG_MAX_WORDS = 4;
const SLUG_MAX_CHARS = 40;
const HASH_HEX_CHARS = 8;
/** Used when a title has no letters or digits a slug can spell, even transliterated. */
const FALLBACK_SLUG = 'paper';

/** Latin spellings of Greek and Cyrillic letters (lower case), so titles in those scripts get readable, distinct slugs. */
const TRANSLITERATION: Record<string, string> = Object.fromEntries([
  ...zip('αβγδεζηθικλμνξοπρσςτυφχψω', [
    'a',
    'b',
    'g',
    'd',
    'e',
    'z',
    'i',
    'th',
    'i',
    'k',
    'l',
    'm',
    'n',
    'x',
    'o',
    'p',
    'r',
    's',
    's',
    't',
    'y',
    'f',
    'ch',
    'ps',
    'o',
  ]),
  ...zip('абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ', [
    'a',
    'b',
    'v',
    'g',
    'd',
    'e',
    'e',
    'zh',
    'z',
    'i',
    'y',
    'k',
    'l',
    'm',
    'n',
    'o',
    'p',
    'r',
    's',
    't',
    'u',
    'f',
    'kh',
    'ts',
    'ch',
    'sh',
    'shch',
    '',
    'y',
    '',
    'e',
    'yu',
    'ya',
    'i',
    'yi',
    'ye',
    'g',
  ]),
]);

function zip(letters: string, spellings: string[]): Array<[string, string]> {
  return [...letters].map((letter, i) => [letter, spellings[i]!]);
}

/**
 * The form of a title that identifies a paper: cosmetic differences (Unicode compatibility
 * forms, case, spacing, punctuation such as "Sim-to-Real" vs "Sim to Real") must not split
 * one paper into two ids.
 */
function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{P}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Stable id for a paper: a readable slug of the title's first words plus 8 hex chars of sha256 of
 * its strongest identifier, e.g. `interactive-language-talking-to-1f0e9a2b`. The identifier is the
 * DOI, else the arXiv id, else the PubMed id — the same in every export of a library, unlike
 * citation keys (Zotero's BibTeX and CSL exports key the same item differently) — and the
 * normalised title only when none is known. The slug is only there so ids are recognisable.
 */
export function paperId(title: string, identifiers: { doi?: string; arxiv?: string; pmid?: string } = {}): string {
  const normalised = normaliseTitle(title);
  const identity = identifiers.doi
    ? `doi:${identifiers.doi}`
    : identifiers.arxiv
      ? `arxiv:${identifiers.arxiv}`
      : identifiers.pmid
        ? `pmid:${identifiers.pmid}`
        : normalised;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_HEX_CHARS);
  return `${slugOf(normalised)}-${hash}`;
}

/** The title as duplicates are recognised by: case, accents, punctuation and spacing ignored. */
export function titleKey(title: string): string {
  return normaliseTitle(title)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

/**
 * The slug of a title: its first ASCII words. A title with none (Greek, Cyrillic) is transliterated
 * first; titles that have some keep their slug as it always was, so existing ids do not change.
 */
function slugOf(normalisedTitle: string): string {
  const plain = normalisedTitle.normalize('NFKD').replace(/\p{M}+/gu, '');
  return slugFrom(plain) ?? slugFrom([...plain].map((char) => TRANSLITERATION[char] ?? char).join('')) ?? FALLBACK_SLUG;
}

function slugFrom(plainTitle: string): string | undefined {
  const words = plainTitle
    .split(' ')
    .map((word) => word.replace(/[^a-z0-9]+/g, ''))
    .filter((word) => word !== '')
    .slice(0, SLUG_MAX_WORDS);
  const slug = words.join('-').slice(0, SLUG_MAX_CHARS).replace(/-+$/, '');
  return slug === '' ? undefined : slug;
}
