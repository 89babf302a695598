// The client tests' only reader of the environment: which /trpc transport the API under test serves.
// `HTTP_TRANSPORT=official pnpm test` runs the suite on tRPC's own adapter; unset, the API's default.
export const apiTransport: string | undefined = process.env.HTTP_TRANSPORT;
