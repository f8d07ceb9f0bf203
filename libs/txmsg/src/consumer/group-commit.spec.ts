import { GroupCommit } from './group-commit';

describe(GroupCommit.name, () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('runs what arrives in one turn together, and what arrives during a run in the next run', async () => {
    const runs: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const group = new GroupCommit<number, string>(async (items) => {
      runs.push(items);
      if (runs.length === 1) await gate;
      return items.map((n) => `done ${n}`);
    }, 10);

    const first = [1, 2, 3].map((n) => group.add(n));
    await turn();
    const second = [4, 5].map((n) => group.add(n)); // the first run is still going on
    await turn();
    expect(runs).toEqual([[1, 2, 3]]);
    release();

    await expect(Promise.all([...first, ...second])).resolves.toEqual([
      'done 1',
      'done 2',
      'done 3',
      'done 4',
      'done 5',
    ]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('never puts more than maxBatch items in one run', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.add(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('rejects the items of a run that throws, and keeps serving later ones', async () => {
    let fail = true;
    const group = new GroupCommit<number, number>(async (items) => {
      if (fail) {
        fail = false;
        throw new Error('run failed');
      }
      return items.map((n) => n * 2);
    }, 10);
    await expect(Promise.all([group.add(1), group.add(2)])).rejects.toThrow('run failed');
    await expect(group.add(3)).resolves.toBe(6);
  });

  it('runs one at a time', async () => {
    let running = 0;
    let most = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      most = Math.max(most, ++running);
      await turn();
      running--;
      return items;
    }, 2);
    await Promise.all(Array.from({ length: 9 }, (_, i) => group.add(i)));
    expect(most).toBe(1);
  });

  it('with two lanes, starts a second run with what waits while the first is going on, and never a third', async () => {
    const runs: number[][] = [];
    const gates: Array<() => void> = [];
    let running = 0;
    let most = 0;
    const group = new GroupCommit<number, number>(
      async (items) => {
        runs.push(items);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return items;
      },
      10,
      2,
    );

    const first = [1, 2].map((n) => group.add(n));
    await turn();
    const second = [3, 4].map((n) => group.add(n)); // the first run waits at its gate
    await turn();
    const third = [5, 6].map((n) => group.add(n)); // both lanes busy: these wait for one
    await turn();
    expect(runs).toEqual([
      [1, 2],
      [3, 4],
    ]);

    gates.shift()!(); // the first run ends; its lane takes what waits
    await expect(Promise.all(first)).resolves.toEqual([1, 2]);
    await turn();
    expect(runs).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    gates.splice(0).forEach((open) => open());
    await expect(Promise.all([...second, ...third])).resolves.toEqual([3, 4, 5, 6]);
    expect(most).toBe(2);
  });
});
