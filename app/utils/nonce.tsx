import { createContext, useContext } from 'react'

/** The CSP nonce of the current response, so the root can mark Remix's inline scripts. */
const NonceContext = createContext('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
