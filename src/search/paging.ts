/** How many items a connection (search, communities) gives when `first` is not said, and at most. */
export const DEFAULT_FIRST = 20;
export const MAX_FIRST = 50;
