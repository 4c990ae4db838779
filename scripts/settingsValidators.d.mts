/** See settingsValidators.mjs: the generated validator modules' sources, by file name. */
export function settingsValidatorSources(schema: object): Record<string, string>;
