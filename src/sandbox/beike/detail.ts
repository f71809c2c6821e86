import type { BeikeListingRecord } from '../data/records.js';
import { Rng } from '../random.js';
import { DECORATION_TEXT, layoutText, wanText } from '../wording.js';

/**
 * The `data` of the detail endpoint for a generated listing, shaped like seed 000's (same keys,
 * same order, same wording). Photos are derived from the houseCode here rather than stored.
 */

const TAG_COLOR = '849AAE';
const ICON = 'http://ke-image.ljcdn.com/beike/1545043505977.png';
const AGE_ALERT =
  '根据本栋部分房源产权证中《房屋登记表》上的测图日期统计生成,可能本栋不同房源之间存在差异,仅供参考。';
const LICENCE_TEXT =
  '持有全国房地产经纪人协理职业资格证。\r\n由中国房地产估价师与房地产经纪人学会颁发人力资源社会保障部、住房城乡建设部监制,中国房地产估价师与房地产经纪人学会用印的相应级别《中华人民共和国房地产经纪专业人员职业资格证书》在全国范围有效。';

const PHOTO_GROUPS: readonly { groupId: number; groupName: string }[] = [
  { groupId: 2, groupName: '户型' },
  { groupId: 3, groupName: '客厅' },
  { groupId: 4, groupName: '卧室' },
  { groupId: 5, groupName: '厨房' },
  { groupId: 6, groupName: '卫生间' },
];

export function detailData(listing: BeikeListingRecord): unknown {
  const { houseCode, cityId, communityId, agent } = listing;
  const colon = listing.wire.colon;
  const layout = layoutText(listing.bedrooms, listing.halls);
  const rng = new Rng(0, `beike-detail:${houseCode}`);
  const shareTime = 1_773_065_058_267 - rng.int(0, 86_400_000);
  return {
    miniProgram: {
      accessKey: 'gh_2dbd87cb164c',
      path: `subpackages/ershoufang/pages/esfDetail/esfDetail?cityId=${cityId}&houseCode=${houseCode}&share_user_id=0&share_device_union_id=&share_user_type=2&share_time=${shareTime}&source=share_beikeapp&from=shell&share=true&share_entity_union_id=${rng.hex(32)}&share_id=${rng.hex(32)}`,
    },
    isVr: listing.tags.includes('VR房源'),
    verificationInfo: {
      title: '房源维护人',
      agentUcid: agent.agentUcid,
      agentName: agent.name,
      digV: JSON.stringify({
        u: Number(agent.agentUcid),
        v: 'V1',
        s: 'NATURAL',
        adId: 100_011_429,
        flow: 'natural',
        b: 'HouseHolderAgentBuilder',
        p: '',
        g: '',
        sid: `${agent.agentUcid}_${communityId}`,
        rid: rng.digits(19),
      }),
      certificateInfo: [
        {
          title: '房源发布人',
          icon: ICON,
          list: [
            { name: '从业人员工作牌', path: agent.badgePath },
            {
              name: '全国房地产经纪人协理证',
              certCode: agent.certCode,
              path: agent.licencePath,
              jumpContent: LICENCE_TEXT,
            },
            {
              name: '费率',
              path: `https://img.ljcdn.com/ehr-personnel/${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}.jpg`,
            },
          ],
        },
        {
          title: '房源发布机构',
          icon: ICON,
          list: [
            {
              name: '营业执照',
              path: `https://img.ljcdn.com/ehr-personnel/${rng.digits(17)}${rng.hex(8).toUpperCase()}.jpg`,
              jumpContent: '企业信用信息查询网址:http://www.gsxt.gov.cn/index.html',
            },
            {
              name: '经纪备案',
              path: `https://img.ljcdn.com/ehr-personnel/${rng.digits(17)}${rng.hex(8).toUpperCase()}.jpg`,
            },
          ],
        },
      ],
    },
    headPictures: headPictures(listing, rng),
    styleSet: {
      styleName: 'normal',
      titleSize: 22,
      basicTitleColor: 'FA5741',
      basicItemSize: 16,
      jumpItemColor: '3072F6',
      jumpItemSize: 16,
      sectionTitleSize: 20,
      navigateWordColor: '3072F6',
      stressColor: 'FA5741',
    },
    colorTags: listing.tags.map((desc) => ({ desc, color: TAG_COLOR, boldFont: 0 })),
    basicInfo: {
      isFocus: false,
      isOffSale: false,
      title: listing.title,
      cityId,
      houseCode,
      communityId,
      communityName: listing.communityName,
      price: listing.price,
      unitPrice: listing.unitPrice,
      floorState: `${listing.floorLevel}/${listing.floorTotal}层`,
      blueprintHallNum: listing.halls,
      blueprintBedroomNum: listing.bedrooms,
      area: listing.area,
      orientation: listing.orientation,
      mUrl: listing.url,
      hasFramePoints: 0,
    },
    basicList: [
      { name: '售价', value: `${wanText(listing.price)}万` },
      { name: '房型', value: layout },
      { name: '建筑面积', value: `${listing.area}㎡` },
    ],
    infoList: [
      { name: `单价${colon}`, value: `${listing.unitPrice}元/平` },
      { name: `挂牌${colon}`, value: listing.listedAt.replaceAll('-', '.') },
      { name: `朝向${colon}`, value: listing.orientation },
      { name: `楼层${colon}`, value: `${listing.floorLevel}(共${listing.floorTotal}层)` },
      { name: `楼型${colon}`, value: listing.buildingType },
      { name: `电梯${colon}`, value: listing.hasElevator ? '有' : '无' },
      { name: `装修${colon}`, value: DECORATION_TEXT[listing.decoration] },
      { name: `年代${colon}`, value: `${listing.builtYear}年建成`, alertText: AGE_ALERT },
      { name: `用途${colon}`, value: '普通住宅' },
      { name: `权属${colon}`, value: '商品房' },
    ],
    infoJumpList: [
      {
        id: 'xiaoqurukou',
        name: `小区${colon}`,
        value: `${listing.communityName} (${listing.districtFull}-${listing.subdistrict})`,
        actionUrl: `lianjiabeike://community/detailv4?communityid=${communityId}`,
      },
      {
        id: 'gengduofangyuanxinxi',
        name: `其他${colon}`,
        value: '梯户比 供暖方式',
        actionUrl: `lianjiabeike://ershou/detail/info?houseCode=${houseCode}&strategyInfo=&shareAgentUcid=`,
      },
      {
        id: 'goufangyusuan',
        sfTotal: listing.downPaymentWan,
        monthlySupply: listing.monthlyPayment,
        name: `首付${colon}`,
        value: `净首付(不含税)${listing.downPaymentWan}万,月供${listing.monthlyPayment}元`,
        actionUrl: `https://tax.jiaoyi.ke.com/sf/detail?cityCode=${cityId}&houseCode=${houseCode}&taxStatus=0&source=beike&ots=${Math.floor(shareTime / 1000) * 1000}&cjj=${listing.price}&sk=${rng.hex(32)}`,
        color: '3072F6',
        clickName: 'shoufurukou_succeed',
      },
    ],
    userRelated: { isFollowed: 0, isFollowedPrice: 0, isAddCart: 0 },
    isDefault: false,
    hasFollowedPrice: 1,
    textFormatDownPrice: {
      itemKey: 'textFormatDownPrice',
      textHead: '专属经纪人',
      textEnd: '电话讲解',
      color: '3072F6',
    },
    declareInfo: {
      title: '风险提示',
      icon: 'https://img.ljcdn.com/beike/api/1595215420267.png',
      actionUrl: 'lianjiabeike://web/main?login=false&url=https%3A%2F%2Fm.ke.com%2Ftext%2Fdisclaimer',
    },
    share: { showWeixin: true, showCircle: true, showAgent: true, showMsg: true },
    vrAndLiveCard: [
      {
        type: 'live',
        url: `lianjiabeike://web/main?login=false&url=https%3A%2F%2Ffang-trade.ke.com%2FliveRoom%2FchannelV2%3FcityId%3D${cityId}%26tagId%3DentityType2`,
        statisticsText: '本市直播',
        title: '直播看房',
        subTitle: '随时随地 想看就看',
        buttonTitle: '立即观看',
        iconUrl: 'https://img.ljcdn.com/beike/arsenal/1631786157239.gif',
        coverColor: '0DFE615A',
        strokeColor: 'FE615A',
        buttonColor: 'ED423B',
      },
    ],
    hasLiveCard: true,
    isVrAndLiveCardBottom: 0,
    houseKeys: {
      title: '钥匙房源 随时看房',
      iconUrl: 'http://ke-image.ljcdn.com/beike/1568101580073.png',
      actionUrl: `lianjiabeike://ershou/daikan?houseCode=${houseCode}&cityId=${cityId}&requestFrom=0`,
    },
    nav: [{ name: '房源', key: 'basicInfo' }],
  };
}

function headPictures(listing: BeikeListingRecord, rng: Rng) {
  const counts: Record<string, number> = {
    户型: 1,
    客厅: rng.int(1, 2),
    卧室: Math.min(listing.bedrooms, 3),
    厨房: 1,
    卫生间: 1,
  };
  return PHOTO_GROUPS.map(({ groupId, groupName }) => ({
    groupId,
    groupName,
    imgObjectList: Array.from({ length: counts[groupName] ?? 1 }, () => ({
      groupId,
      groupName,
      imgUrl:
        groupName === '户型'
          ? `http://ke-image.ljcdn.com/hdic-frame/standard_${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}.png.1440x1080.jpg?from=ke.com`
          : `https://ke-image.ljcdn.com/${listing.cityId}-inspection/prod/${rng.hex(32)}.jpg.1440x1080.jpg`,
    })),
  }));
}

/** The list's cover: the first room photo would do, a stable derived one is cheaper. */
export function coverPic(listing: BeikeListingRecord): string {
  const rng = new Rng(0, `beike-cover:${listing.houseCode}`);
  return `https://ke-image.ljcdn.com/${listing.cityId}-inspection/prod/${rng.hex(32)}.jpg.296x216.jpg`;
}
