/** Configuration from the environment: read once, fail fast with the variable's name. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`Missing environment variable ${name}`);
  return value;
}

export function optionalEnv(name: string): string | undefined {
  return process.env[name] || undefined;
}
