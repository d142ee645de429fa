import type { Paper } from './types.js';

/** What a reader needs to recognise and open a paper, read from whatever metadata an import kept. */
export interface Citation {
  authors?: string[];
  year?: number;
  /** An http(s) link to the paper: its URL, else its DOI or arXiv id as a link. */
  url?: string;
}

/**
 * The authors, year and link of a paper from common metadata spellings (JSON Lines fields such as
 * `authors`, `author`, `year`, `date`, `url`, `doi`, `arxiv_id`; CSL-style `{family, given}` names).
 * Anything unrecognised is left out rather than guessed, and only http(s) links are ever returned.
 */
export function citationOf(paper: Paper): Citation {
  const metadata = paper.metadata ?? {};
  const citation: Citation = {};
  const authors = authorList(metadata.authors ?? metadata.author);
  if (authors.length > 0) citation.authors = authors;
  const year = yearOf(metadata.year ?? metadata.date ?? metadata.published ?? metadata.issued);
  if (year !== undefined) citation.year = year;
  const url = linkOf(metadata);
  if (url !== undefined) citation.url = url;
  return citation;
}

function authorList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+and\s+|;|,(?=\s*\S+\s+\S)/).map((name) => name.trim()).filter(Boolean);
  if (!Array.isArray(value)) return [];
  return value.map(authorName).filter((name): name is string => name !== undefined);
}

function authorName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object') {
    const { family, given, name, literal } = value as Record<string, unknown>;
    if (typeof family === 'string') return typeof given === 'string' ? `${given} ${family}` : family;
    if (typeof name === 'string') return name;
    if (typeof literal === 'string') return literal;
  }
  return undefined;
}

function yearOf(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  const year = text?.match(/^\s*(\d{4})\b/)?.[1];
  return year === undefined ? undefined : Number(year);
}

function linkOf(metadata: Record<string, unknown>): string | undefined {
  for (const key of ['url', 'URL', 'link']) {
    const value = metadata[key];
    if (typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim())) return value.trim();
  }
  const doi = metadata.doi ?? metadata.DOI;
  if (typeof doi === 'string' && /^10\.\d{4,9}\/\S+$/.test(doi.trim())) return `https://doi.org/${doi.trim()}`;
  const arxiv = metadata.arxiv_id ?? metadata.arxiv;
  if (typeof arxiv === 'string' && /^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})(v\d+)?$/i.test(arxiv.trim())) return `https://arxiv.org/abs/${arxiv.trim()}`;
  return undefined;
}
