/** The Switchyard host version that plugins' `hostRange` is checked against. */
export const HOST_VERSION = '0.1.0';
