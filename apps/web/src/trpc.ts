// tRPC's TanStack Query integration, typed by the API's router (a type-only import: no server code ships).
import type { AppRouter } from '@latchkey/api';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
