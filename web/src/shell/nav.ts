import type { Role } from '../auth/session';

export interface NavItem {
  to: string;
  label: string;
  /** The weakest role that sees the item; the server enforces the same rules. */
  minRole: Role;
  icon: string;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

/**
 * The console's screens by section. Viewers read; members also use the playground and their own
 * keys; admins manage everything but owners (mirrors server/src/identity/route-rules.ts).
 */
export const NAV: NavSection[] = [
  {
    title: 'Monitor',
    items: [
      { to: '/', label: 'Dashboard', minRole: 'viewer', icon: 'M3 13h8V3H3zm10 8h8V11h-8zM3 21h8v-6H3zm10-18v6h8V3z' },
      { to: '/analytics', label: 'Analytics', minRole: 'viewer', icon: 'M4 20V10M10 20V4M16 20v-7M22 20H2' },
    ],
  },
  {
    title: 'Build',
    items: [
      { to: '/playground', label: 'Playground', minRole: 'member', icon: 'M5 4l14 8-14 8z' },
      { to: '/pipelines', label: 'Pipelines', minRole: 'viewer', icon: 'M6 3v6m0 0a3 3 0 100 6 3 3 0 000-6zm0 6v12M18 9a3 3 0 100-6 3 3 0 000 6zm0 0c0 6-12 3-12 9' },
    ],
  },
  {
    title: 'Configure',
    items: [
      { to: '/providers', label: 'Providers', minRole: 'viewer', icon: 'M4 6h16M4 12h16M4 18h10' },
      { to: '/models', label: 'Models & prices', minRole: 'viewer', icon: 'M12 2l9 5v10l-9 5-9-5V7z' },
      { to: '/plugins', label: 'Plugins', minRole: 'viewer', icon: 'M9 3v4M15 3v4M6 7h12v5a6 6 0 01-12 0zM12 18v3' },
    ],
  },
  {
    title: 'Access',
    items: [
      { to: '/keys', label: 'API keys', minRole: 'viewer', icon: 'M15 7a4 4 0 11-3.9 4.9L3 20v-3h3v-3h3l2.1-2.1A4 4 0 0115 7z' },
      { to: '/users', label: 'Users & credits', minRole: 'admin', icon: 'M16 11a4 4 0 10-8 0 4 4 0 008 0zM4 21a8 8 0 0116 0' },
      { to: '/oauth-clients', label: 'OAuth clients', minRole: 'admin', icon: 'M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z' },
      { to: '/audit', label: 'Audit log', minRole: 'admin', icon: 'M7 3h10l4 4v14H7zM11 11h6M11 15h6M11 7h2' },
    ],
  },
];
