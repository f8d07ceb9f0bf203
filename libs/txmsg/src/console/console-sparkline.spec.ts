import { sparkline } from './console-sparkline';

/** The points of each line drawn, as [x, y] pairs. */
function lines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map(([, points]) =>
    points.split(' ').map((point) => point.split(',').map(Number)),
  );
}

describe('sparkline', () => {
  it('draws the values left to right on a scale from 0 at the bottom to the peak at the top', () => {
    const svg = sparkline([0, 5, 10], { title: 'applied', width: 100, height: 24 });
    expect(lines(svg)).toEqual([
      [
        [0, 22],
        [50, 12],
        [100, 2],
      ],
    ]);
    expect(svg).toMatch(/^<svg [^>]*width="100" height="24" viewBox="0 0 100 24"/);
  });

  it('keeps a quiet series flat on the bottom rather than stretching it to the top', () => {
    expect(lines(sparkline([0, 0, 0], { title: 'parked', width: 10, height: 24 }))).toEqual([
      [
        [0, 22],
        [5, 22],
        [10, 22],
      ],
    ]);
  });

  it('leaves a gap where a value is unknown, and shows a point alone between gaps as a dot', () => {
    const drawn = lines(sparkline([1, 1, null, 2, null, 1, 1], { title: 'backlog', width: 60, height: 24 }));
    expect(drawn.map((line) => line.map(([x]) => x))).toEqual([
      [0, 10],
      [30, 30],
      [50, 60],
    ]);
  });

  it('draws no line without a value, and one point in the middle for one', () => {
    expect(lines(sparkline([], { title: 'none' }))).toEqual([]);
    expect(lines(sparkline([3], { title: 'one', width: 100, height: 24 }))).toEqual([
      [
        [50, 2],
        [50, 2],
      ],
    ]);
  });

  it('is plain inline SVG with its title escaped: no script, no link, nothing to load', () => {
    const svg = sparkline([1, 2], { title: '<script>alert(1)</script> & "x"', color: '"><script>' });
    expect(svg).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</title>');
    expect(svg).not.toMatch(/<script|href|url\(/i);
    expect(svg.endsWith('</svg>')).toBe(true);
  });
});
