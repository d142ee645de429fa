import { createHash } from 'node:crypto';

const SLUG_MAX_WORDS = 4;
const SLUG_MAX_CHARS = 40;
const HASH_HEX_CHARS = 8;
/** Used when a title has no ASCII letters or digits to build a readable slug from. */
const FALLBACK_SLUG = 'paper';

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
  const identity = identifiers.doi ? `doi:${identifiers.doi}` : identifiers.arxiv ? `arxiv:${identifiers.arxiv}` : identifiers.pmid ? `pmid:${identifiers.pmid}` : normalised;
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, HASH_HEX_CHARS);
  return `${slugOf(normalised)}-${hash}`;
}

/** The title as duplicates are recognised by: case, accents, punctuation and spacing ignored. */
export function titleKey(title: string): string {
  return normaliseTitle(title).normalize('NFKD').replace(/\p{M}+/gu, '');
}

function slugOf(normalisedTitle: string): string {
  const words = normalisedTitle
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .split(' ')
    .map((word) => word.replace(/[^a-z0-9]+/g, ''))
    .filter((word) => word !== '')
    .slice(0, SLUG_MAX_WORDS);
  const slug = words.join('-').slice(0, SLUG_MAX_CHARS).replace(/-+$/, '');
  return slug === '' ? FALLBACK_SLUG : slug;
}
