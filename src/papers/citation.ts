import type { Paper } from './types.js';

/**
 * A link to open the paper: its URL, else its DOI or arXiv or PubMed page. Only http(s) URLs are
 * stored (see `httpUrl`), so whatever this returns is safe to put in an href.
 */
export function paperLink(paper: Paper): string | undefined {
  if (paper.url) return paper.url;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  if (paper.arxiv) return `https://arxiv.org/abs/${paper.arxiv}`;
  if (paper.pmid) return `https://pubmed.ncbi.nlm.nih.gov/${paper.pmid}/`;
  return undefined;
}

/** Authors as a byline: up to three names, then "et al.". */
export function shortAuthors(authors: readonly string[]): string {
  return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
}
