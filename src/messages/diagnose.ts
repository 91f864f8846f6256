/** What diagnose() itself says about how it ran (not about the model): notes in report.checks. */

export const diagnoseMessages = {
  snapshot:
    'model.fit() was running when diagnose() was called: diagnosed a copy of the weights taken at the call ' +
    '(training goes on; later steps are not reflected).',
  verified: (tried: number, cured: number) =>
    `tried ${tried} fix${tried === 1 ? '' : 'es'} on a copy of the model; ${cured} cured the probe`,
  verifyFailed: (reason: string) => `could not verify fixes: ${reason}`,
};
