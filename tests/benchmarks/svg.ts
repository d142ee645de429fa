export interface Series {
  name: string;
  points: Array<[x: number, y: number]>;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** A small log-log line chart as a standalone SVG (no library, no fonts from anywhere). */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const width = 640,
    height = 360,
    left = 70,
    right = 160,
    top = 40,
    bottom = 50;
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y > 0);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const [yMin, yMax] = [Math.min(...ys) / 1.5, Math.max(...ys) * 1.5];
  const log = Math.log10;
  const px = (x: number) => left + ((log(x) - log(xMin)) / (log(xMax) - log(xMin) || 1)) * (width - left - right);
  const py = (y: number) =>
    height - bottom - ((log(Math.max(y, yMin)) - log(yMin)) / (log(yMax) - log(yMin) || 1)) * (height - top - bottom);
  const ticks = (min: number, max: number) => {
    const out: number[] = [];
    for (let e = Math.floor(log(min)); e <= Math.ceil(log(max)); e++) if (10 ** e >= min && 10 ** e <= max) out.push(10 ** e);
    return out;
  };
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>`,
    `<text x="${(left + width - right) / 2}" y="${height - 10}" text-anchor="middle">${xLabel}</text>`,
    `<text x="15" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 15 ${(top + height - bottom) / 2})">${yLabel}</text>`,
    ...ticks(xMin, xMax).map((x) => `<text x="${px(x)}" y="${height - bottom + 16}" text-anchor="middle">${x.toLocaleString('en')}</text>`),
    ...ticks(yMin, yMax).map(
      (y) =>
        `<text x="${left - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text><line x1="${left}" x2="${width - right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`,
    ),
  ];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map(([x, y]) => `${px(x)},${py(y)}`).join(' ')}"/>`,
    );
    parts.push(...s.points.map(([x, y]) => `<circle cx="${px(x)}" cy="${py(y)}" r="3" fill="${color}"/>`));
    parts.push(`<text x="${width - right + 10}" y="${top + 16 * i + 10}" fill="${color}">${s.name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
