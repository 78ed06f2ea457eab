"""Names of the demo city's units. County-level names are Binzhou's real divisions; all figures are synthetic."""

CITY = ("BZ", "滨州市（演示）", "Binzhou (demo)")

COUNTIES = [
    ("BZ01", "滨城区", "Bincheng District"),
    ("BZ02", "沾化区", "Zhanhua District"),
    ("BZ03", "惠民县", "Huimin County"),
    ("BZ04", "阳信县", "Yangxin County"),
    ("BZ05", "无棣县", "Wudi County"),
    ("BZ06", "博兴县", "Boxing County"),
    ("BZ07", "邹平市", "Zouping City"),
    ("BZ08", "滨州经济技术开发区", "Binzhou Economic and Technological Development Zone"),
    ("BZ09", "滨州高新技术产业开发区", "Binzhou High-tech Industrial Development Zone"),
    ("BZ10", "北海经济开发区", "Beihai Economic Development Zone"),
]

TOWNSHIPS = {
    "BZ01": [("市中街道", "Shizhong Subdistrict"), ("北镇街道", "Beizhen Subdistrict"), ("梁才街道", "Liangcai Subdistrict")],
    "BZ02": [("富源街道", "Fuyuan Subdistrict"), ("冯家镇", "Fengjia Town")],
    "BZ03": [("孙武街道", "Sunwu Subdistrict"), ("李庄镇", "Lizhuang Town")],
    "BZ04": [("信城街道", "Xincheng Subdistrict"), ("水落坡镇", "Shuiluopo Town")],
    "BZ05": [("棣丰街道", "Difeng Subdistrict"), ("海丰街道", "Haifeng Subdistrict")],
    "BZ06": [("城东街道", "Chengdong Subdistrict"), ("锦秋街道", "Jinqiu Subdistrict")],
    "BZ07": [("黛溪街道", "Daixi Subdistrict"), ("魏桥镇", "Weiqiao Town")],
}

DEPARTMENTS = [
    ("市发展和改革委员会", "Development and Reform Commission"), ("市教育局", "Education Bureau"),
    ("市科学技术局", "Science and Technology Bureau"), ("市工业和信息化局", "Industry and Information Technology Bureau"),
    ("市民族宗教事务局", "Ethnic and Religious Affairs Bureau"), ("市公安局", "Public Security Bureau"),
    ("市民政局", "Civil Affairs Bureau"), ("市司法局", "Justice Bureau"), ("市财政局", "Finance Bureau"),
    ("市人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("市自然资源和规划局", "Natural Resources and Planning Bureau"), ("市生态环境局", "Ecology and Environment Bureau"),
    ("市住房和城乡建设局", "Housing and Urban-Rural Development Bureau"), ("市交通运输局", "Transport Bureau"),
    ("市水利局", "Water Resources Bureau"), ("市农业农村局", "Agriculture and Rural Affairs Bureau"),
    ("市商务局", "Commerce Bureau"), ("市文化和旅游局", "Culture and Tourism Bureau"),
    ("市卫生健康委员会", "Health Commission"), ("市退役军人事务局", "Veterans Affairs Bureau"),
    ("市应急管理局", "Emergency Management Bureau"), ("市审计局", "Audit Bureau"),
    ("市国有资产监督管理委员会", "State-owned Assets Supervision Commission"),
    ("市市场监督管理局", "Market Supervision Bureau"), ("市体育局", "Sports Bureau"), ("市统计局", "Statistics Bureau"),
    ("市医疗保障局", "Healthcare Security Bureau"), ("市城市管理局", "Urban Management Bureau"),
    ("市行政审批服务局", "Administrative Approval Bureau"), ("市信访局", "Letters and Visits Bureau"),
    ("市大数据局", "Big Data Bureau"), ("市机关事务服务中心", "Government Offices Service Centre"),
    ("市地方金融监督管理局", "Local Financial Supervision Bureau"), ("市能源局", "Energy Bureau"),
    ("市海洋发展和渔业局", "Ocean Development and Fisheries Bureau"), ("市林业局", "Forestry Bureau"),
    ("市粮食和物资储备局", "Grain and Reserves Bureau"), ("市人民防空办公室", "Civil Air Defence Office"),
    ("市残疾人联合会", "Disabled Persons' Federation"), ("市总工会", "Federation of Trade Unions"),
    ("共青团滨州市委", "Communist Youth League Committee"), ("市妇女联合会", "Women's Federation"),
    ("市科学技术协会", "Association for Science and Technology"), ("市文学艺术界联合会", "Federation of Literary and Art Circles"),
    ("市工商业联合会", "Federation of Industry and Commerce"), ("市红十字会", "Red Cross Society"),
    ("市供销合作社", "Supply and Marketing Cooperative"), ("市住房公积金管理中心", "Housing Provident Fund Centre"),
    ("市公共资源交易中心", "Public Resources Trading Centre"), ("市检验检测中心", "Inspection and Testing Centre"),
    ("市融媒体中心", "Media Centre"), ("市档案馆", "Archives"), ("市地方史志研究院", "Local Chronicles Institute"),
    ("市气象局", "Meteorological Bureau"), ("市税务局", "Taxation Bureau"), ("市烟草专卖局", "Tobacco Monopoly Bureau"),
    ("市邮政管理局", "Postal Administration"), ("市通信发展办公室", "Communications Development Office"),
    ("市消防救援支队", "Fire and Rescue Detachment"), ("市生态环境保护综合执法支队", "Environmental Enforcement Detachment"),
    ("市交通运输综合执法支队", "Transport Enforcement Detachment"), ("市农业综合执法支队", "Agricultural Enforcement Detachment"),
    ("市文化市场综合执法支队", "Cultural Market Enforcement Detachment"), ("市市场监管综合执法支队", "Market Enforcement Detachment"),
    ("市城市管理综合执法支队", "Urban Management Enforcement Detachment"), ("市社会保险事业中心", "Social Insurance Centre"),
    ("市公共就业和人才服务中心", "Employment and Talent Service Centre"), ("市疾病预防控制中心", "Centre for Disease Control"),
    ("市急救中心", "Emergency Medical Centre"), ("市血液中心", "Blood Centre"), ("市图书馆", "Library"),
    ("市博物馆", "Museum"), ("市群众艺术馆", "Mass Art Centre"), ("市水文中心", "Hydrology Centre"),
    ("市黄河河务局", "Yellow River Affairs Bureau"), ("市港口发展中心", "Port Development Centre"),
    ("市机场管理中心", "Airport Administration Centre"), ("市公路事业发展中心", "Highway Development Centre"),
    ("市城市建设投资集团", "Urban Construction Investment Group"), ("市国有资本投资运营公司", "State Capital Operation Company"),
    ("市交通发展投资集团", "Transport Investment Group"), ("市水务集团", "Water Group"), ("市热力公司", "Heating Company"),
    ("市燃气公司", "Gas Company"), ("市公交集团", "Public Transport Group"), ("市农业发展集团", "Agricultural Development Group"),
    ("市文旅集团", "Culture and Tourism Group"), ("市金融控股集团", "Financial Holding Group"),
    ("市人才发展集团", "Talent Development Group"), ("市粮食储备中心", "Grain Reserve Centre"),
]

INSTITUTIONS = [
    ("滨州医学院", "Binzhou Medical University"), ("滨州学院", "Binzhou University"),
    ("滨州职业学院", "Binzhou Polytechnic"), ("滨州市技师学院", "Binzhou Technician College"),
    ("滨州市人民医院", "Binzhou People's Hospital"), ("滨州医学院附属医院", "Binzhou Medical University Hospital"),
    ("滨州市中心医院", "Binzhou Central Hospital"), ("滨州市中医医院", "Binzhou Hospital of Traditional Chinese Medicine"),
]
