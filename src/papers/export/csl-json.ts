import { normaliseWhitespace } from '../fields.js';
import type { Paper } from '../types.js';

/**
 * Papers as CSL JSON, the format Zotero, Better BibTeX and citeproc read: a 2-space-indented array,
 * one item per paper with its typed fields (metadata is not written: it holds whatever the source
 * format had, under that format's names). The item id is the citation key when known, else the
 * paper id. The type is `article-journal` when there is a venue, else `article` (CSL's preprint
 * type, as Zotero exports arXiv items); a tag containing "," or ";" cannot survive `keyword`, which
 * readers split at both.
 */
export function toCslJson(papers: Paper[]): string {
  return `${JSON.stringify(papers.map(cslItem), null, 2)}\n`;
}

function cslItem(paper: Paper): Record<string, unknown> {
  // JSON.stringify leaves out the undefined fields.
  return {
    id: paper.key ?? paper.id,
    type: paper.venue ? 'article-journal' : 'article',
    title: paper.title,
    abstract: paper.abstract || undefined,
    author: paper.authors?.map(cslName),
    issued: cslIssued(paper),
    'container-title': paper.venue,
    DOI: paper.doi,
    URL: paper.url,
    PMID: paper.pmid,
    // Where Zotero's CSL export puts an arXiv preprint's id.
    number: paper.arxiv ? `arXiv:${paper.arxiv}` : undefined,
    keyword: paper.tags?.join(', '),
  };
}

function cslName(displayName: string): Record<string, string> {
  const { given, particle, family, suffix } = nameParts(displayName);
  return { family, ...(given && { given }), ...(particle && { 'non-dropping-particle': particle }), ...(suffix && { suffix }) };
}

/** The date as CSL date-parts when it agrees with the year, else the year alone. */
function cslIssued(paper: Paper): { 'date-parts': number[][] } | undefined {
  const dateParts = paper.date?.split('-').map(Number);
  if (dateParts && (paper.year === undefined || dateParts[0] === paper.year)) return { 'date-parts': [dateParts] };
  return paper.year === undefined ? undefined : { 'date-parts': [[paper.year]] };
}

/**
 * A display name split the way citation formats want it: "Stéfan J. van der Walt" → given
 * "Stéfan J.", particle "van der", family "Walt"; "Martin Luther King Jr." keeps "Jr." as suffix.
 * Readers join the parts back in that order, so the display name survives the round trip.
 */
export function nameParts(displayName: string): { given?: string; particle?: string; family: string; suffix?: string } {
  const words = normaliseWhitespace(displayName).split(' ');
  const suffix = words.length > 2 && /^(Jr\.?|Sr\.?|II|III|IV)$/.test(words.at(-1)!) ? words.pop() : undefined;
  const family = words.pop()!;
  let particleStart = words.length;
  while (particleStart > 0 && /^\p{Ll}/u.test(words[particleStart - 1]!)) particleStart--;
  const given = words.slice(0, particleStart).join(' ');
  const particle = words.slice(particleStart).join(' ');
  return { family, ...(given && { given }), ...(particle && { particle }), ...(suffix && { suffix }) };
}
