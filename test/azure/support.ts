import { synthTerraform } from '../tf-support';

export { onlyResource, resourcesOf, type TfJson } from '../tf-support';

/** Location and resource group every construct test uses. */
export const LOCATION = 'westeurope';
export const DR_LOCATION = 'northeurope';
export const RG = 'rg-test';

/** Synthesizes an Azure construct test stack (see synthTerraform). */
export const synthAzure = synthTerraform;
