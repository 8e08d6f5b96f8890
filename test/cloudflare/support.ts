import { synthTerraform } from '../tf-support';

export { onlyResource, resourcesOf, withoutNulls, type TfJson } from '../tf-support';

/** A Cloudflare zone id and account id every construct test uses (32 hex digits, as Cloudflare's). */
export const ZONE_ID = '0123456789abcdef0123456789abcdef';
export const ACCOUNT_ID = 'fedcba9876543210fedcba9876543210';

/** Synthesizes a Cloudflare construct test stack (see synthTerraform). */
export const synthCloudflare = synthTerraform;
