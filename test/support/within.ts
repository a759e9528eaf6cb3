/** Polls until `check` passes or `ms` have gone by (then its last failure is thrown). */
export async function within(ms: number, check: () => Promise<void>, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
