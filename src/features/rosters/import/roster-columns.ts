/**
 * The columns of each roster file, shared by import and export so that an exported file imports again.
 * Limits mirror the JSON API's schemas (../schemas.ts).
 */

export const ROSTERS = ['villages', 'members', 'households'] as const;
export type Roster = (typeof ROSTERS)[number];

export type ColumnKind = 'text' | 'village' | 'phone' | 'year' | 'int' | 'flag' | 'gender';

export interface ColumnSpec {
  /** field of the parsed record */
  key: string;
  /** header as users see it in the file */
  header: string;
  /** other headers people write for the same column */
  aliases?: string[];
  kind: ColumnKind;
  required?: boolean;
  /** text: most characters; numbers: largest value */
  max?: number;
  /** numbers: smallest value */
  min?: number;
  /** export column width, in characters */
  width?: number;
}

const village: ColumnSpec = { key: 'villageName', header: '村名', aliases: ['村', '村庄', '所在村', '村庄名称'], kind: 'village', required: true, width: 12 };
const phone: ColumnSpec = { key: 'phone', header: '手机号', aliases: ['手机', '手机号码', '联系电话', '电话'], kind: 'phone', width: 14 };

export const ROSTER_COLUMNS: Record<Roster, ColumnSpec[]> = {
  villages: [
    { key: 'name', header: '村名', aliases: ['村', '村庄', '村庄名称'], kind: 'text', required: true, max: 40, width: 12 },
    { key: 'branchName', header: '支部名称', aliases: ['党支部', '党支部名称', '支部'], kind: 'text', max: 60, width: 20 },
  ],
  members: [
    village,
    { key: 'name', header: '姓名', aliases: ['党员姓名'], kind: 'text', required: true, max: 40, width: 10 },
    { key: 'gender', header: '性别', kind: 'gender', width: 6 },
    phone,
    { key: 'birthYear', header: '出生年份', aliases: ['出生年'], kind: 'year', min: 1900, max: 2100, width: 10 },
    { key: 'joinedYear', header: '入党年份', aliases: ['入党年'], kind: 'year', min: 1921, max: 2100, width: 10 },
    { key: 'isCommittee', header: '支部委员', aliases: ['支委'], kind: 'flag', width: 10 },
    { key: 'isSecretary', header: '书记', aliases: ['支部书记'], kind: 'flag', width: 6 },
    { key: 'isReserveCadre', header: '后备干部', kind: 'flag', width: 10 },
  ],
  households: [
    village,
    { key: 'headName', header: '户主', aliases: ['户主姓名'], kind: 'text', required: true, max: 40, width: 10 },
    { key: 'address', header: '地址', aliases: ['住址', '家庭住址'], kind: 'text', max: 120, width: 24 },
    phone,
    { key: 'size', header: '人口', aliases: ['家庭人口', '人口数', '人数'], kind: 'int', min: 1, max: 99, width: 6 },
    { key: 'isHardship', header: '困难家庭', kind: 'flag', width: 10 },
    { key: 'isCriticallyIll', header: '危重病人', kind: 'flag', width: 10 },
    { key: 'isEmptyNest', header: '空巢老人', kind: 'flag', width: 10 },
    { key: 'isLeftBehind', header: '留守儿童', kind: 'flag', width: 10 },
    { key: 'isPetitioner', header: '信访户', kind: 'flag', width: 8 },
  ],
};

/** Names of the sheet and of the downloaded file. */
export const ROSTER_TITLES: Record<Roster, string> = { villages: '村庄名册', members: '党员名册', households: '农户名册' };
