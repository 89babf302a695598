/** The formatted source of src/api-router.ts, from @latchkey/api's AppRouter. */
export function generateApiRouterSource(): Promise<string>;
