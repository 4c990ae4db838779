/** See settingsValidators.mjs: the generated validator module's source, by file name. */
export function settingsValidatorSources(schema: object): Record<string, string>;
