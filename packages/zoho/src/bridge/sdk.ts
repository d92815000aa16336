/**
 * The parts of the Zoho CRM TypeScript SDK that the bridge uses. They are taken from the
 * SDK's own package index, so that the bridge creates tokens of the same class that the
 * application's SDK checks them against with `instanceof`.
 */
import zohoSdk from '@zohocrm/typescript-sdk-8.0';

/** The SDK's token class. */
export const SdkOAuthToken = zohoSdk.OAuthToken;
/** An SDK token object. */
export type SdkToken = InstanceType<typeof SdkOAuthToken>;
/** The SDK's user signature: the user name a token acts for. */
export const SdkUserSignature = zohoSdk.UserSignature;
