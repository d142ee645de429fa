/**
 * The filters the page offers, shared by the page shell (its controls) and the script (URL, requests,
 * the summary of what is active). Each is the API's parameter of the same name; the URL and the
 * requests carry its value as typed, and the API judges it.
 */
export const FILTERS = [
  { field: 'year_min', label: 'From year', placeholder: 'e.g. 2020', numeric: true },
  { field: 'year_max', label: 'To year', placeholder: 'e.g. 2024', numeric: true },
  { field: 'author', label: 'Author', placeholder: 'e.g. Lovelace', numeric: false },
  { field: 'venue', label: 'Venue', placeholder: 'e.g. NeurIPS', numeric: false },
  { field: 'tag', label: 'Tag', placeholder: 'e.g. cs.RO', numeric: false },
] as const;

export type FilterField = (typeof FILTERS)[number]['field'];

/** The filters in effect: only fields with a value are present. */
export type Filter = Partial<Record<FilterField, string>>;

/** The filters a URL's query gives (blank values are no filter). */
export function filterFrom(get: (field: FilterField) => string | null | undefined): Filter {
  const filter: Filter = {};
  for (const { field } of FILTERS) {
    const value = get(field)?.trim();
    if (value) filter[field] = value;
  }
  return filter;
}

/** The filters in words, to follow "Only papers": "from 2020 to 2022, by “lovelace”, in “neurips”, tagged “cs.RO”". */
export function describeFilter(filter: Filter): string {
  const { year_min: from, year_max: to, author, venue, tag } = filter;
  const years =
    from !== undefined && to !== undefined
      ? `from ${from} to ${to}`
      : from !== undefined
        ? `from ${from} on`
        : to !== undefined
          ? `up to ${to}`
          : undefined;
  const parts = [years, author && `by “${author}”`, venue && `in “${venue}”`, tag && `tagged “${tag}”`];
  return parts.filter((part): part is string => Boolean(part)).join(', ');
}
