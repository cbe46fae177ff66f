import type { Random } from './random';

/** Villages named in the source article about 潘店镇; the rest of a township is made up from common parts. */
export const PANDIAN_VILLAGES = ['靖庄', '刘洼', '西腰', '岳刘', '雾头', '北街', '西赵', '洪张', '王洲潘', '十里雾', '郑刘'];

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔';
const GIVEN = '建国华明丽军红英伟芳秀兰志强桂春海平玉梅文静敏霞德福永刚忠宝山林凤霞成立新民树青云美荣庆祥长金凯俊杰子涵浩宇欣怡晓东秋菊冬梅';
const VILLAGE_PREFIX = ['东', '西', '南', '北', '前', '后', '大', '小', '新', '老', '上', '下'];
const VILLAGE_SUFFIX = ['庄', '屯', '集', '营', '寨', '店', '家', '楼', '口', '洼', '堂', '桥'];
const ADDRESS_PARTS = ['前街', '后街', '中街', '东街', '西街', '南巷', '北巷', '新村'];

export function personName(random: Random): string {
  const given = random.chance(0.5) ? random.pick([...GIVEN]) : random.pick([...GIVEN]) + random.pick([...GIVEN]);
  return random.pick([...SURNAMES]) + given;
}

/** `count` distinct village names, starting with the given ones. */
export function villageNames(random: Random, count: number, given: string[] = []): string[] {
  const names = new Set(given.slice(0, count));
  while (names.size < count) {
    const surname = random.pick([...SURNAMES]);
    const name = random.chance(0.5) ? random.pick(VILLAGE_PREFIX) + surname + random.pick(VILLAGE_SUFFIX) : surname + random.pick(VILLAGE_SUFFIX);
    names.add(name);
  }
  return [...names];
}

export function address(random: Random, village: string): string {
  return `${village}村${random.pick(ADDRESS_PARTS)}${random.int(1, 120)}号`;
}

export function mobile(random: Random): string {
  return `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
}
