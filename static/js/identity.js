/**
 * The participant's identity for one workshop, kept in localStorage:
 *   facilitator:token:<code>  the signed token returned by the HTTP join
 *   facilitator:name:<code>   the first name, to offer "resume my session"
 */

export const tokenKey = (code) => `facilitator:token:${code}`;
export const nameKey = (code) => `facilitator:name:${code}`;

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled
  }
}

export function readToken(code) {
  return read(tokenKey(code));
}

export function readName(code) {
  return read(nameKey(code));
}

/** Store the identity; false when the browser refuses to store it. */
export function saveIdentity(code, token, firstName) {
  try {
    localStorage.setItem(tokenKey(code), token);
    if (firstName) localStorage.setItem(nameKey(code), firstName);
    return true;
  } catch {
    return false;
  }
}

export function forgetIdentity(code) {
  try {
    localStorage.removeItem(tokenKey(code));
    localStorage.removeItem(nameKey(code));
  } catch {
    // nothing stored
  }
}

/** sessionStorage key: the participant page focuses the idea field once, on arrival from the join page. */
export const FOCUS_IDEA_KEY = "facilitator:focus-idea";
