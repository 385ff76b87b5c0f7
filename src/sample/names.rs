//! Chinese vocabulary for made-up people, companies, places, projects and the free-text
//! columns (形象进度, 存在问题, 督办事项, 任务内容, 调研发现), in the register county offices write.

use std::collections::BTreeSet;

use rand::Rng;

use super::{pick, SampleRng};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶",
    "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭",
    "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾",
    "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "常", "武", "乔", "贺", "牛", "申",
    "靳", "霍", "栗", "暴", "李", "王", "张", "郭", "申",
];

const GIVEN: &[&str] = &[
    "建", "国", "志", "强", "伟", "军", "红", "明", "华", "平", "芳", "丽", "敏", "静", "海", "涛",
    "鹏", "波", "斌", "勇", "杰", "磊", "超", "鑫", "宇", "浩", "凯", "俊", "晓", "东", "文", "玉",
    "英", "秀", "霞", "云", "峰", "刚", "辉", "林", "春", "生", "荣", "庆", "亮", "宏", "彬", "新",
    "利", "丹", "娟", "燕", "琴", "雪", "慧", "兰", "梅", "洁", "瑞", "鸿", "振", "卫", "永", "德",
];

/// A personal name: surname plus one or two given characters.
pub fn person(rng: &mut SampleRng) -> String {
    let mut name = (pick(rng, SURNAMES)).to_string();
    name.push_str(pick(rng, GIVEN));
    if rng.random_bool(0.75) {
        name.push_str(pick(rng, GIVEN));
    }
    name
}

/// Hands out personal names that are not yet taken (heads, leaders, deputies), so a name
/// identifies one person when visits are matched to heads and leaders.
pub struct NameBook {
    taken: BTreeSet<String>,
}

impl NameBook {
    pub fn new<'a>(taken: impl IntoIterator<Item = &'a str>) -> NameBook {
        NameBook {
            taken: taken.into_iter().map(str::to_string).collect(),
        }
    }

    pub fn fresh(&mut self, rng: &mut SampleRng) -> String {
        loop {
            let mut name = person(rng);
            // Two-character names collide quickly in large sets; grow them instead of looping.
            while self.taken.contains(&name) {
                name.push_str(pick(rng, GIVEN));
                if name.chars().count() > 4 {
                    break;
                }
            }
            if self.taken.insert(name.clone()) {
                return name;
            }
        }
    }
}

/// A county office phone number or a mobile number, as written on 填报人 lines.
pub fn phone(rng: &mut SampleRng) -> String {
    if rng.random_bool(0.7) {
        format!("0355-8{:06}", rng.random_range(0..1_000_000))
    } else {
        let prefix = pick(rng, &["135", "139", "152", "158", "183", "187", "137"]);
        format!("{prefix}{:08}", rng.random_range(0..100_000_000))
    }
}

const VILLAGE_HEAD: &[&str] = &[
    "东", "西", "南", "北", "大", "小", "前", "后", "上", "下", "中",
];
const VILLAGE_NAME: &[&str] = &[
    "王", "李", "张", "郭", "韩", "申", "宋", "岳", "鲍", "石", "陈", "苏", "崔", "常", "赵", "秦",
];
const VILLAGE_TAIL: &[&str] = &[
    "庄村",
    "家庄村",
    "堡村",
    "坊村",
    "沟村",
    "峪村",
    "头村",
    "营村",
    "河村",
    "店村",
    "寨村",
];

pub fn village(rng: &mut SampleRng) -> String {
    format!(
        "{}{}{}",
        pick(rng, VILLAGE_HEAD),
        pick(rng, VILLAGE_NAME),
        pick(rng, VILLAGE_TAIL)
    )
}

const ROADS: &[&str] = &[
    "丹朱大街",
    "慈林路",
    "太行路",
    "漳河路",
    "精卫街",
    "尧神路",
    "府前街",
    "建设路",
    "长治路",
    "团结路",
    "和平街",
    "滨河大道",
    "东环路",
    "西环路",
    "北环路",
    "南环路",
    "工业大道",
    "鲍店大街",
    "发鸠路",
    "文化路",
    "振兴路",
    "迎宾大道",
    "青年路",
    "紫云街",
];

pub fn road(rng: &mut SampleRng) -> &'static str {
    pick(rng, ROADS)
}

const BRANDS: &[&str] = &[
    "丹朱", "精卫", "发鸠", "尧神", "漳源", "太岳", "上党", "晋东", "华晟", "鑫达", "恒润", "天泽",
    "宏远", "中科", "瑞丰", "龙腾", "晋能", "泰和", "金鼎", "绿源",
];

/// Products with the trade of the company making them and the capacity unit they count in.
const PRODUCTS: &[(&str, &str, &str)] = &[
    ("绿色建材", "建材", "万吨"),
    ("新型墙体材料", "建材", "万立方米"),
    ("精密铸件", "机械", "万吨"),
    ("特种钢材", "钢铁", "万吨"),
    ("装配式建筑构件", "建材", "万立方米"),
    ("农副产品深加工", "食品", "万吨"),
    ("中药材饮片", "药业", "吨"),
    ("肉制品", "食品", "万吨"),
    ("乳制品", "乳业", "万吨"),
    ("铁合金", "冶金", "万吨"),
    ("新能源电池材料", "新能源", "万吨"),
    ("生物有机肥", "生物", "万吨"),
    ("服装", "纺织", "万件"),
    ("汽车零部件", "汽车部件", "万套"),
    ("不锈钢制品", "金属制品", "万件"),
    ("煤矸石综合利用", "环保", "万吨"),
    ("高端轴承", "机械", "万套"),
    ("预制菜", "食品", "万吨"),
    ("陶瓷釉料", "新材料", "万吨"),
];
const HOSPITAL_PARTS: &[&str] = &["门诊综合楼", "住院综合楼", "医技楼", "发热门诊", "康复中心"];

/// A full enterprise name for a company's short name ("丹朱建材").
pub fn enterprise(rng: &mut SampleRng, county: &str, short: &str) -> String {
    let prefix = match rng.random_range(0..3) {
        0 => "山西".to_string(),
        1 => "长治市".to_string(),
        _ => county.to_string(),
    };
    let form = pick(
        rng,
        &["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"],
    );
    format!("{prefix}{short}{form}")
}

/// 所属板块 (the four boards).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Industry,
    Infrastructure,
    Livelihood,
    Innovation,
}

impl Board {
    pub fn label(self) -> &'static str {
        match self {
            Board::Industry => "产业转型",
            Board::Infrastructure => "基础设施",
            Board::Livelihood => "社会民生",
            Board::Innovation => "科技创新",
        }
    }

    /// Two-digit industry codes (国民经济行业分类 divisions) plausible for the board.
    pub fn industry_codes(self) -> &'static [&'static str] {
        match self {
            Board::Industry => &["30", "31", "33", "13", "14", "36", "38", "26", "44"],
            Board::Infrastructure => &["48", "46", "78", "44", "05", "54"],
            Board::Livelihood => &["83", "84", "47", "85", "89", "70"],
            Board::Innovation => &["65", "73", "64", "05", "75"],
        }
    }
}

/// What a project is called and what it builds, told consistently.
pub struct Described {
    pub name: String,
    /// 建设内容.
    pub content: String,
    /// The investing company's short name, for enterprise projects.
    pub company: Option<String>,
}

/// A project of the board, localized to `place` (a township, or 县城).
pub fn describe_project(rng: &mut SampleRng, board: Board, county: &str, place: &str) -> Described {
    let in_village = format!("{place}{}", village(rng));
    let area = rng.random_range(8..120) * 100;
    let (product, trade, unit) = pick(rng, PRODUCTS);
    let company = format!("{}{trade}", pick(rng, BRANDS));
    let capacity = match rng.random_range(0..3) {
        0 => rng.random_range(1..10).to_string(),
        1 => (rng.random_range(1..20) * 5).to_string(),
        _ => format!("{}.5", rng.random_range(0..5)),
    };
    let lines = rng.random_range(1..6);
    let plant = format!(
        "新建生产车间{area}平方米、仓库{}平方米，购置{product}生产线{lines}条及配套设施",
        area / 3
    );
    let (name, content, enterprise) = match board {
        // Solar farms are built by energy companies, whatever the drawn product.
        Board::Industry if rng.random_bool(1.0 / 6.0) => {
            let megawatts = rng.random_range(2..60);
            let energy = format!("{}新能源", pick(rng, BRANDS));
            return Described {
                name: format!("{in_village}{megawatts}兆瓦分布式光伏发电项目"),
                content: format!("建设{megawatts}兆瓦光伏组件、逆变器及升压站等配套设施"),
                company: Some(energy),
            };
        }
        Board::Industry => match rng.random_range(0..5) {
            0 => (
                format!("{county}{place}年产{capacity}{unit}{product}项目"),
                plant,
                true,
            ),
            1 => (
                format!("{company}年产{capacity}{unit}{product}生产线建设项目"),
                plant,
                true,
            ),
            2 => (
                format!("{place}{product}产业园建设项目"),
                format!(
                    "占地{}亩，建设标准化厂房{}万平方米及道路、供排水等配套设施",
                    rng.random_range(50..400),
                    rng.random_range(2..12)
                ),
                true,
            ),
            3 => (
                format!("{company}{product}技术改造项目"),
                format!(
                    "对现有生产线进行智能化改造，购置{product}生产设备{}台（套）",
                    rng.random_range(20..200)
                ),
                true,
            ),
            _ => (
                format!("{company}{product}扩能升级项目"),
                format!("新增{product}生产线{lines}条，配套建设原料库、成品库{area}平方米"),
                true,
            ),
        },
        Board::Infrastructure => {
            let road = road(rng);
            let road_works = format!(
                "改造道路{}.{}公里，宽{}米，同步建设雨污管网、照明、绿化等配套设施",
                rng.random_range(1..9),
                rng.random_range(0..10),
                pick(rng, &["12", "16", "20", "24", "30"])
            );
            let pipes = rng.random_range(3..40);
            match rng.random_range(0..9) {
                0 => (format!("{road}改造提升工程"), road_works, false),
                1 => (
                    format!("{place}污水处理厂提标改造工程"),
                    format!(
                        "新增处理规模{}万吨/日，改造生化池、二沉池及配套管网{pipes}公里",
                        rng.random_range(1..5)
                    ),
                    false,
                ),
                2 => (
                    format!("{place}集中供热管网改造工程"),
                    format!(
                        "改造供热管网{pipes}公里，新建换热站{}座",
                        rng.random_range(2..12)
                    ),
                    false,
                ),
                3 => (
                    format!("{place}农村供水保障工程"),
                    format!(
                        "新建水源井{}眼，铺设供水管网{pipes}公里",
                        rng.random_range(2..8)
                    ),
                    false,
                ),
                4 => {
                    let mu = rng.random_range(1..6);
                    (
                        format!("{place}{mu}万亩高标准农田建设项目"),
                        format!("建设高标准农田{mu}万亩，包括土地平整、灌溉排水、田间道路等工程"),
                        false,
                    )
                }
                5 => (
                    format!("{place}老旧小区改造项目"),
                    format!(
                        "改造老旧小区{}个、{}户，实施管网、屋面、外墙保温及绿化等改造",
                        rng.random_range(3..20),
                        rng.random_range(300..3000)
                    ),
                    false,
                ),
                6 => (
                    format!("{road}雨污分流改造工程"),
                    format!("铺设雨水、污水管网{pipes}公里，新建检查井及附属设施"),
                    false,
                ),
                7 => (
                    format!("{in_village}至{}公路改建工程", village(rng)),
                    road_works,
                    false,
                ),
                _ => (
                    format!("{place}城乡环卫一体化项目"),
                    format!(
                        "购置环卫车辆{}台，建设垃圾中转站{}座",
                        rng.random_range(10..60),
                        rng.random_range(1..6)
                    ),
                    false,
                ),
            }
        }
        Board::Livelihood => {
            let floors = rng.random_range(3..13);
            let building = |what: &str| {
                format!("新建{floors}层框架结构{what}{area}平方米，配套室外工程及设备购置")
            };
            match rng.random_range(0..8) {
                0 => (
                    format!("{place}中心学校教学楼建设项目"),
                    building("教学楼"),
                    false,
                ),
                1 => (
                    format!("{county}第{}中学教学楼建设项目", rng.random_range(1..6)),
                    building("教学楼"),
                    false,
                ),
                2 => (
                    format!("{place}中心幼儿园建设项目"),
                    building("幼儿园"),
                    false,
                ),
                3 => {
                    let part = pick(rng, HOSPITAL_PARTS);
                    (
                        format!("{county}人民医院{part}建设项目"),
                        building(part),
                        false,
                    )
                }
                4 => (
                    format!("{place}养老服务中心建设项目"),
                    building("养老服务用房"),
                    false,
                ),
                5 => (
                    format!("{place}保障性租赁住房项目"),
                    format!(
                        "建设保障性租赁住房{}套，总建筑面积{area}平方米",
                        rng.random_range(100..800)
                    ),
                    false,
                ),
                6 => (
                    format!("{place}卫生院改扩建项目"),
                    building("业务用房"),
                    false,
                ),
                _ => (
                    format!("{place}便民服务中心建设项目"),
                    building("服务中心"),
                    false,
                ),
            }
        }
        Board::Innovation => match rng.random_range(0..7) {
            0 => (
                format!("{place}智慧农业科技示范园"),
                format!(
                    "建设智能温室{}亩、育苗中心及物联网监测系统",
                    rng.random_range(50..500)
                ),
                true,
            ),
            1 => (
                format!("{company}研发中心建设项目"),
                format!(
                    "新建研发楼{area}平方米，购置研发检测设备{}台（套）",
                    rng.random_range(20..300)
                ),
                true,
            ),
            2 => (
                format!("{place}数字经济产业园"),
                format!("建设数据中心机房{area}平方米、孵化用房及配套网络设施"),
                true,
            ),
            3 => (
                format!("{product}中试基地建设项目"),
                format!(
                    "建设中试车间{area}平方米，购置中试设备{}台（套）",
                    rng.random_range(20..150)
                ),
                true,
            ),
            4 => (
                format!("{place}5G+智慧园区项目"),
                format!("建设5G基站{}座及园区智能管理平台", rng.random_range(10..80)),
                true,
            ),
            5 => (
                format!("{company}工业互联网平台建设项目"),
                "建设工业互联网标识解析节点及生产管理平台，购置服务器及网络设备".to_string(),
                true,
            ),
            _ => (
                format!("{in_village}农业科技创新示范基地"),
                format!(
                    "建设新品种试验田{}亩、科研用房{area}平方米",
                    rng.random_range(100..1000)
                ),
                true,
            ),
        },
    };
    Described {
        name,
        content,
        company: enterprise.then_some(company),
    }
}

/// The government body that invests in a public project, from what the name says it builds.
pub fn agency(name: &str) -> &'static str {
    const BY_KEYWORD: [(&str, &str); 10] = [
        ("学", "教育科技局"),
        ("幼儿园", "教育科技局"),
        ("医院", "卫生健康和体育局"),
        ("卫生院", "卫生健康和体育局"),
        ("养老", "民政局"),
        ("供水", "水利局"),
        ("农田", "农业农村局"),
        ("公路", "交通运输局"),
        ("便民服务", "行政审批服务管理局"),
        ("环卫", "城市管理局"),
    ];
    BY_KEYWORD
        .iter()
        .find(|(keyword, _)| name.contains(keyword))
        .map_or("住房和城乡建设局", |(_, body)| body)
}

/// 建设地点.
pub fn site(rng: &mut SampleRng, town: Option<&str>) -> String {
    match town {
        Some(town) if rng.random_bool(0.7) => format!("{town}{}", village(rng)),
        Some(town) => format!(
            "{town}{}以{}",
            road(rng),
            pick(rng, &["东", "西", "南", "北"])
        ),
        None => format!("县城{}与{}交汇处", road(rng), road(rng)),
    }
}

/// 形象进度 for a project still in the planning stages.
pub fn progress_planning(rng: &mut SampleRng, stage_index: usize) -> String {
    let options: &[&str] = match stage_index {
        0 => &[
            "正在谋划包装，编制项目建议书",
            "已完成项目策划，正在对接投资主体",
            "正在开展前期调研论证",
        ],
        _ => &[
            "已纳入县级储备库，正在编制可研报告",
            "可研报告初稿已完成",
            "正在开展选址和用地预审",
        ],
    };
    pick(rng, options).to_string()
}

/// 形象进度 for a project in 前期, from how far its preliminary work has come.
pub fn progress_preliminary(coded: bool, reviewed: bool, approved: bool) -> String {
    match (coded, reviewed, approved) {
        (false, _, _) => "正在办理立项备案手续".to_string(),
        (true, false, _) => "已完成立项赋码，正在编制可行性研究报告".to_string(),
        (true, true, false) => "可研报告已通过专家评审，待批复".to_string(),
        (true, true, true) => "可研已批复，正在办理用地、规划、施工许可等手续".to_string(),
    }
}

/// 形象进度 for a project under construction, `share` being the time share of its build.
pub fn progress_building(rng: &mut SampleRng, share: f64) -> String {
    let percent = ((share * 100.0).round() as i64).clamp(3, 95);
    match percent {
        0..=15 => pick(
            rng,
            &[
                "完成场地平整，正在进行基础施工",
                "已进场施工，正在进行土方开挖",
            ],
        )
        .to_string(),
        16..=45 => format!("主体结构施工中，已完成工程量的{percent}%"),
        46..=75 => format!("主体工程完成{percent}%，正在进行设备采购"),
        _ => format!("主体已完工，正在进行设备安装调试及室外配套，完成{percent}%"),
    }
}

pub fn progress_completed(rng: &mut SampleRng) -> String {
    pick(
        rng,
        &["项目已竣工，正在办理竣工验收", "已竣工投产", "已建成投用"],
    )
    .to_string()
}

const PROBLEMS: &[&str] = &[
    "土地组卷报批进度缓慢",
    "项目建设资金到位不足",
    "施工许可证尚未办理",
    "环评批复尚未取得",
    "受冬季停工影响进度滞后",
    "电力增容手续正在办理",
    "部分群众补偿诉求尚未解决",
    "设备供货周期较长",
    "规划方案需进一步调整",
    "林地占用手续办理中",
];

/// 存在问题: mostly nothing, sometimes one of the common obstacles.
pub fn problem(rng: &mut SampleRng, active: bool) -> String {
    if active && rng.random_bool(0.3) {
        pick(rng, PROBLEMS).to_string()
    } else {
        pick(rng, &["无", "", "", "暂无"]).to_string()
    }
}

/// A supervision matter and the department that usually owns it (a name fragment).
pub const NOTICE_MATTERS: &[(&str, Option<&str>)] = &[
    (
        "项目用地组卷报批进度滞后，影响项目按期开工",
        Some("自然资源"),
    ),
    ("施工许可证办理进度缓慢", Some("住建")),
    ("环评批复未按期取得", Some("生态环境")),
    ("年度投资完成进度严重滞后于时序进度", None),
    ("前期手续办理滞后，未按计划完成可研批复", None),
    ("施工现场安全生产隐患整改不到位", Some("应急")),
    ("征地拆迁补偿问题久拖未决，影响施工进场", None),
    ("电力增容及外部配套条件未落实", None),
    ("上次调度会议交办事项未按期落实", None),
    ("项目审批手续办理超时", Some("审批")),
];

pub fn remedy(rng: &mut SampleRng) -> String {
    pick(
        rng,
        &[
            "成立专班，倒排工期，每周调度一次，确保按期完成",
            "已与相关部门对接，加快办理相关手续",
            "主要领导包抓，现场办公协调解决",
            "督促企业加快资金筹措，增加施工力量",
            "制定整改方案，明确责任人和完成时限",
        ],
    )
    .to_string()
}

/// 任务内容 for a dispatch task on a project.
pub fn task_content(rng: &mut SampleRng, project: &str) -> String {
    match rng.random_range(0..8) {
        0 => format!("协调解决{project}用地指标问题"),
        1 => format!("督促{project}完成施工许可办理"),
        2 => format!("加快推进{project}可研编制及专家评审"),
        3 => format!("落实{project}建设资金{}万元", rng.random_range(2..80) * 50),
        4 => format!("完成{project}征地补偿协议签订"),
        5 => format!("推动{project}尽快开工建设"),
        6 => format!("加快{project}设备安装调试，确保按期投产"),
        _ => format!("协调{project}供电、供水等外部配套条件"),
    }
}

pub fn task_done_note(rng: &mut SampleRng) -> String {
    pick(
        rng,
        &[
            "已完成",
            "已落实",
            "已协调解决",
            "相关手续已办结",
            "已签订协议",
        ],
    )
    .to_string()
}

pub fn visit_finding(rng: &mut SampleRng) -> (String, String, bool) {
    let (finding, resolution, on_site): (&str, &str, bool) = pick(
        rng,
        &[
            ("施工现场扬尘防治措施不到位", "责成施工单位立即整改", true),
            ("施工用工短缺，进度偏慢", "督促企业增加施工力量", false),
            ("进场道路需协调", "现场协调村委会解决", true),
            ("用地手续尚未完善", "交县自然资源局加快办理", false),
            ("电力接入方案未确定", "协调供电公司制定接入方案", false),
            ("安全防护设施不完善", "现场督促整改到位", true),
            ("无", "", true),
            ("无", "", true),
            ("资金拨付进度慢", "协调县财政局加快拨付", false),
        ],
    );
    (finding.to_string(), resolution.to_string(), on_site)
}

/// An attracted-investment project ("长子县年产10万吨精密铸件项目") and the short name of the
/// company behind it.
pub fn investment_project(rng: &mut SampleRng, county: &str) -> (String, String) {
    let (product, trade, unit) = pick(rng, PRODUCTS);
    let brand = pick(rng, BRANDS);
    let company = format!("{brand}{trade}");
    let capacity = match rng.random_range(0..3) {
        0 => rng.random_range(1..10).to_string(),
        1 => (rng.random_range(2..20) * 5).to_string(),
        _ => format!("{}.5", rng.random_range(0..5)),
    };
    let name = match rng.random_range(0..10) {
        0 => format!("{county}{brand}{product}生产基地项目"),
        1 => {
            let megawatts = rng.random_range(5..100);
            return (
                format!("{county}{megawatts}兆瓦分散式风电项目"),
                format!("{}新能源", pick(rng, BRANDS)),
            );
        }
        _ => format!("{county}年产{capacity}{unit}{product}项目"),
    };
    (name, company)
}

/// What the joint evaluation (会商评估) of an attracted project covered.
const EVALUATION_DIMENSIONS: &[&str] = &[
    "用地",
    "环保",
    "能耗",
    "投资强度",
    "亩均税收",
    "安全生产",
    "规划选址",
    "用水",
];

/// 评估维度: 产业政策 first, then a few of the usual dimensions, separated by 、.
pub fn evaluation_dimensions(rng: &mut SampleRng) -> String {
    let mut items = vec!["产业政策"];
    for item in EVALUATION_DIMENSIONS {
        if rng.random_bool(0.55) {
            items.push(item);
        }
    }
    if items.len() < 3 {
        items.extend(["用地", "环保"]);
    }
    items.join("、")
}

/// The problem a joint meeting takes up on a project.
const MEETING_ISSUES: &[&str] = &[
    "用地报批",
    "环评审批",
    "电力接入",
    "征地拆迁",
    "建设资金",
    "施工许可",
    "供水供气配套",
];

/// 议题 of a joint meeting in `month`: the monthly report, one or two project problems, and
/// sometimes the attracted projects' hand-over.
pub fn meeting_topics(rng: &mut SampleRng, month: u32, projects: &[&str]) -> String {
    let mut topics = vec![format!("通报{month}月份重点项目推进情况")];
    let issues = if projects.is_empty() {
        0
    } else {
        rng.random_range(1..=2)
    };
    for _ in 0..issues {
        let topic = format!(
            "协调解决{}{}问题",
            pick(rng, projects),
            pick(rng, MEETING_ISSUES)
        );
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    if rng.random_bool(0.4) {
        topics.push("研究签约招商项目移交落地事宜".to_string());
    }
    topics
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}.{t}", i + 1))
        .collect::<Vec<_>>()
        .join("；")
}
