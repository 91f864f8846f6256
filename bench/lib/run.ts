/**
 * How a bench ends: its main resolves to an exit code (0 targets met, 2 a
 * target missed, as npm run bench reads them); a crash prints its stack and
 * exits 1.
 */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error);
      process.exitCode = 1;
    },
  );
}
