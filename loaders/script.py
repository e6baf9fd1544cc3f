"""Traditional characters folded to simplified ones, for matching only.

Plans republished for Taiwan- and Hong Kong-facing readers are written in traditional
characters (牽頭單位, 責任單位, 按職責分工負責). The readers match their labels, role words and unit
suffixes on a folded copy of each line; because every fold maps one character to one
character, a position in the folded copy is the same position in the original, and the
document's own spelling is what ends up in the records.

>>> fold("市級各有關部門牽頭")
'市级各有关部门牵头'
"""

from __future__ import annotations

# Only the characters of the words the readers look for (labels, role words, unit suffixes,
# level words, deadline words, numbering): a full conversion table is not needed to match.
_TRADITIONAL = (
    "牽頭單負責職協辦參與門時間節點聯導領關級縣區鎮處務條會組織員廳總長銀財農業衛環廣電屬機構"
    "據經濟營運輸號進劃規實現開發設應為們個團隊館書記達選計畫調議觀歲層體項動權證標準線統資"
    "網園場監審養醫療險鄉東陽萬億兩曆歷極盡眾課學黨軍鐵郵傳藝術遷邊遠過還問題類須預顯願風"
    "馬驗齊龍華葉蘇藥補裝製複見視親評試詢該說請調談論講識護讓貨質購貿費賽車較載輔錄鏈陸陳"
    "階際隨雙難雲韓頒頻顧餘駐鮮黃齡後對將專橫門區產務結導寬幣廠廣彙匯歸當從徵總愛態戶擔擬"
    "據數斷於時書會東條來楊樣樹橋歐殘氣決況準溝滅漢災為無煙營燈爭犧狀獎現璽產畝異盤碩確礎"
    "禮禍離種稱穩積窮竊競筆範築簡簽粵糧納紀約級紛純紙紹終組細紳紡線練縣縮績續總縱纖罰羅"
    "聞聲職聽脅腦膽臨與興舉艦艱蘭處號虧規覺覽親訊訓託記訪設許註詞試詳誠誤調諮謀謂謝證譯議"
    "護變讀貝負貢貧貫責貴貸費貼資賓賞賠賦質賬賴贈趕趨跡踐軌軟轉輕輪辦辭邁遞遺鄭鄰釋針鈔鋼"
    "錢錯鍵鎮長門閉開閑間閣閩閱闊闖闡隊陣陰陳陸隨險雙雜雞離難電靜響頁頂項順須預頓領頭頻題"
    "額顏願類顧顯風飛飯飼飾養餐餘館馬馳駛騰驗驅體髮鬥鬧魚鳥鳴鴻麥麗黃點齊齒龍龜"
)
_SIMPLIFIED = (
    "牵头单负责职协办参与门时间节点联导领关级县区镇处务条会组织员厅总长银财农业卫环广电属机构"
    "据经济营运输号进划规实现开发设应为们个团队馆书记达选计画调议观岁层体项动权证标准线统资"
    "网园场监审养医疗险乡东阳万亿两历历极尽众课学党军铁邮传艺术迁边远过还问题类须预显愿风"
    "马验齐龙华叶苏药补装制复见视亲评试询该说请调谈论讲识护让货质购贸费赛车较载辅录链陆陈"
    "阶际随双难云韩颁频顾余驻鲜黄龄后对将专横门区产务结导宽币厂广汇汇归当从征总爱态户担拟"
    "据数断于时书会东条来杨样树桥欧残气决况准沟灭汉灾为无烟营灯争牺状奖现玺产亩异盘硕确础"
    "礼祸离种称稳积穷窃竞笔范筑简签粤粮纳纪约级纷纯纸绍终组细绅纺线练县缩绩续总纵纤罚罗"
    "闻声职听胁脑胆临与兴举舰艰兰处号亏规觉览亲讯训托记访设许注词试详诚误调咨谋谓谢证译议"
    "护变读贝负贡贫贯责贵贷费贴资宾赏赔赋质账赖赠赶趋迹践轨软转轻轮办辞迈递遗郑邻释针钞钢"
    "钱错键镇长门闭开闲间阁闽阅阔闯阐队阵阴陈陆随险双杂鸡离难电静响页顶项顺须预顿领头频题"
    "额颜愿类顾显风飞饭饲饰养餐余馆马驰驶腾验驱体发斗闹鱼鸟鸣鸿麦丽黄点齐齿龙龟"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED), "the fold maps one character to one character"
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def fold(text: str) -> str:
    """``text`` with the traditional characters the readers match replaced by simplified
    ones; same length, so positions carry over to the original."""
    return text.translate(_FOLD)


def is_traditional(text: str) -> bool:
    """Whether ``text`` uses traditional characters the fold knows (牽頭, 責任單位, …)."""
    return fold(text) != text
