"""Deterministic synthetic news articles with gold near-duplicate clusters (stdlib only).

    from synth_news import generate
    records, gold = generate(100_000, seed=0)   # ~6-7 s, the same every time

``records`` are dicts ``url, title, body, published, source, lang`` (``body`` = paragraphs
joined by "\\n", ``published`` = ISO 8601 with the outlet's offset), the shape of the
``newsflow dedupe`` input; ``gold`` maps url -> cluster id (one cluster = one story and its
copies). ``generate_full`` also returns manifest rows in the layout of the shared dedup
scorer's ``--manifest`` (url, cluster_id, base_id, variant, lang, event).

Shape
-----
* Languages: about 60 % Korean, 25 % English, 5 % each Japanese, Chinese, Vietnamese; each
  language has its own invented outlets (``*.example`` hosts, URL patterns of Korean,
  Japanese, ... CMSs).
* A base story is 5-12 paragraphs, 800-3000 characters, built from sentence frames with
  many slots (companies and ministries, real and invented; people with titles; places;
  amounts, percentages, prices, counts; dates; products and projects) -- each story uses
  only 4-7 of a language's 16-24 frames -- and from free sentences over a large vocabulary
  (common words, a 12,000-word tail of invented words per language, ten terms of the story's
  own). Every story has an *event* (its main companies, people, place, topics, amount,
  date, terms) that its sentences keep mentioning. Unrelated stories of one language share
  few 5-grams: median Jaccard of the comparison keys (``newsflow.clean.paragraph_key``) about
  0.03-0.04 for ko/zh, 0.05 ja, 0.07 en, 0.09 vi (99th percentile 0.08-0.18) -- a single
  domain (economy), so somewhat above random real pages.
* About 5 % of base stories come in "same event, different story" pairs: two stories about
  one event (same entities, same date, one shared background paragraph), written
  separately, published hours apart. They are different gold clusters and must not be
  merged (the manifest gives both the same ``event``).
* About 30 % of base stories get 1-3 variants, each on another outlet of the same language,
  published 10 minutes to 36 hours later, with a new URL: ``exact_copy``; ``light_edit``
  (3-5 words swapped or digits changed, a sentence or two added); ``boilerplate`` (header
  line, byline with e-mail, copyright line, sometimes a related-article line); ``lead_only``
  (the first 60 % of the paragraphs, sometimes a "(continued)" line); ``doubled`` (the
  seed's defect: the paragraphs again after the body); and now and then
  ``light_edit+boilerplate`` or ``doubled+boilerplate``. About a third of base stories carry
  their own outlet's byline/copyright lines too.
* Speed: sentences are made once per language as skeletons (vocabulary and numbers filled
  in, the story's slots left as ``{o1}``, ``{w3}``, Korean particles as ``{o1__은}``) in pools
  of a few thousand, and each story fills the skeletons of its frames with its own slots
  (``str.format_map``). 100,000 articles take about 6-7 s (2-core machine, CPython 3.11).
* Articles come out in publication order, and the stream does not depend on ``n``:
  ``generate(n)`` is exactly the first ``n`` articles of ``generate(m)`` for any m > n,
  with the same urls and gold clusters (a variant published after the cut is simply not
  there yet).

Run it
------
    python bench/synth_news.py 1000 > x.jsonl                       # JSON lines on stdout
    python bench/synth_news.py 1000 --seed 3 --gold gold.tsv --manifest manifest.tsv > x.jsonl
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import re
import sys
from datetime import datetime, timedelta, timezone

__all__ = ["generate", "generate_full", "LANG_SHARE", "VARIANT_KINDS"]

LANG_SHARE = (("ko", 0.60), ("en", 0.25), ("ja", 0.05), ("zh", 0.05), ("vi", 0.05))
VARIANT_SHARE = 0.30          # share of base stories that get 1-3 variants
SAME_EVENT_SHARE = 0.025      # share of base stories that spawn a sibling story (so ~5 % are in a pair)
VARIANT_KINDS = (("exact_copy", 0.22), ("light_edit", 0.22), ("boilerplate", 0.20), ("lead_only", 0.16),
                 ("doubled", 0.12), ("light_edit+boilerplate", 0.05), ("doubled+boilerplate", 0.03))
START = datetime(2024, 6, 3, 0, 0, tzinfo=timezone.utc)
MEAN_GAP_SECONDS = 25.0       # between base stories
MIN_CHARS, MAX_CHARS = 800, 3000
FILLER_SHARE = 0.4        # share of free-vocabulary pieces among a story's pieces
POOL_PER_FRAME = 300      # skeletons (two sentences each) per frame and language; slots filled per story
POOL_FILLERS = 4000       # free-vocabulary pieces (two sentences each) per language


def _w(s: str) -> tuple[str, ...]:
    return tuple(s.split())


def _l(s: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in s.strip().split("|") if x.strip())


class _G:
    """Random helpers around one ``random.Random``. The hot ones (pick, ri, chance) are closures
    stored on the instance: no bound-method call, no ``self`` lookups."""

    __slots__ = ("rng", "r", "pick", "ri", "chance")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        r = self.r = self.rng.random
        self.pick = lambda seq: seq[int(r() * len(seq))]
        self.ri = lambda a, b: a + int(r() * (b - a + 1))  # inclusive
        self.chance = lambda p: r() < p

    def pct(self, lo: float = 0.1, hi: float = 48.0) -> str:
        return f"{lo + self.r() * (hi - lo):.1f}"

    def word(self, syllables, lo: int = 2, hi: int = 3, sep: str = "") -> str:
        r, n = self.r, len(syllables)
        return sep.join([syllables[int(r() * n)] for _ in range(lo + int(r() * (hi - lo + 1)))])

    def latin(self, lo: int = 2, hi: int = 3) -> str:
        return self.word(_LATIN_SYL, lo, hi).capitalize()

    def email_local(self) -> str:
        return self.word(_LATIN_SYL, 2, 3) + (str(self.ri(1, 99)) if self.chance(0.3) else "")


_LATIN_SYL = _w("ka ri no ve ta lo mi sen dra vel ox tri ne qua lin mar cor vin ax ter pol zen ro fi "
                "nu sa dor el ion bra cal dex ga hel ix jo ky lum mo nar ov pra que rex sol tav ur vo wy xa "
                "yo zu al bel cy da en fa gor hu is ja kel lo mer nyx or pe ra st tu vi")


def _jo_has_final(word: str) -> int:
    """0 = no final consonant, 1 = final consonant, 2 = final rieul (for 으로/로)."""
    ch = word[-1]
    if "\uac00" <= ch <= "\ud7a3":
        f = (ord(ch) - 0xAC00) % 28
        return 0 if f == 0 else (2 if f == 8 else 1)
    if ch in "0136789LMNRlmnr":
        return 2 if ch in "18Ll" else 1
    return 0


_JO_CACHE: dict[tuple[str, str], str] = {}


def jo(word: str, with_final: str, without: str) -> str:
    """Korean particle after ``word``: jo(w, "은", "는"), jo(w, "이", "가"), jo(w, "을", "를") ..."""
    if word[-1] == "}" and word[0] == "{":  # a pooled sentence's slot: the particle is chosen when it is filled
        return word[:-1] + "__" + with_final + "}"
    key = (word, with_final)
    out = _JO_CACHE.get(key)
    if out is None:
        f = _jo_has_final(word)
        if with_final == "으로":
            out = word + ("으로" if f == 1 else "로")
        else:
            out = word + (with_final if f else without)
        if len(_JO_CACHE) > 500_000:
            _JO_CACHE.clear()
        _JO_CACHE[key] = out
    return out


_LEX = tuple(f"w{i}" for i in range(10))  # slots of a story's own terms
_PARTICLES = {"은": "는", "이": "가", "을": "를", "과": "와", "으로": "로"}


class _Slots(dict):
    """A story's slot values for ``str.format_map``; ``o1__은`` is o1 with its particle."""

    def __missing__(self, key: str) -> str:
        base, _, part = key.partition("__")
        value = jo(self[base], part, _PARTICLES[part])
        self[key] = value
        return value


class _LangBase:
    """What every language shares. A language also has: ``outlets`` (name, host, URL pattern),
    ``tz``, ``cont`` (a "(continued)" line), ``company/person/money/project/event`` (a story's
    entities), ``sentence(g, e, k)`` (frame k, slots from event ``e``), ``filler(g, e)`` (free
    vocabulary), ``background`` (the paragraph two same-event stories share), ``title``,
    ``byline/copyright/header/related`` (boilerplate) and ``edit_words`` (for light edits)."""

    frames = 10          # number of sentence frames of ``sentence`` (k = 0 .. frames-1)
    frames_per_story = (5, 7)  # a story uses a few of them: stories differ in phrasing, not only in names
    topics: tuple[str, ...] = ()

    def story_frames(self, g: _G) -> tuple[int, ...]:
        return tuple(g.rng.sample(range(self.frames), g.ri(*self.frames_per_story)))

    def tp(self, g: _G, e: dict) -> str:
        """A topic: mostly one of the story's own three, now and then any."""
        x = g.r()
        return e["t1"] if x < 0.4 else e["t2"] if x < 0.6 else e["t3"] if x < 0.8 else g.pick(self.topics)

    def org(self, g: _G, e: dict) -> str:
        x = g.r()
        return e["o1"] if x < 0.45 else e["o2"] if x < 0.6 else e["o3"] if x < 0.75 else self.company(g)

    fill_head: tuple[str, ...] = ()  # common words of the language

    def pseudo(self, g: _G) -> str:  # one rare word (the long tail of the vocabulary)
        raise NotImplementedError

    def w(self, g: _G, e: dict) -> str:
        """A content word: one of the story's own ten terms, a common word, or a rare one (Zipf-like)."""
        x = g.r()
        if x < 0.4:
            return e[_LEX[int(g.r() * 10)]]
        if x < 0.6:
            return g.pick(self.fill_head)
        vocab = e["_vocab"]
        return vocab[int(len(vocab) * g.r() ** 2)]


# ---------------------------------------------------------------------------- filler vocabularies
# Free sentences over a large vocabulary: common words, the story's own ten terms (``{w0}`` ..
# ``{w9}``, drawn from a 12,000-word tail of invented words per language) and rare words, so
# that stories differ in most of their 5-grams and do not repeat their frames too much.
_KO_FILL_N = _w("""시장 정부 기업 투자자 소비자 수요 공급 가격 비용 정책 규제 지원 협력 경쟁 기술 인력 설비 생산 판매 수익 손실 부채 자금
금리 물가 성장 위기 회복 전략 계획 목표 전망 우려 기대 변화 구조 체질 혁신 효율 품질 안전 환경 에너지 원자재 부품 소재 제품
서비스 고객 협력사 노조 경영진 주주 이사회 지역 수도권 지방 해외 국내 산업 업계 현장 연구 개발 특허 표준 인증 물류 운송 항만
공항 도로 철도 주택 건물 토지 자산 배당 실적 분기 일자리 청년 고령층 가계 소득 소비 저축 대출 예금 보험료 세금 재정 예산 지출
보조금 인센티브 세액공제 관세 통상 외교 안보 재고 주문 계약 입찰 사업권 인허가 착공 준공 가동 증설 감산 증산 점검 조사 감사
제재 소송 합의 협상 유동성 신용도 담보 만기 차환 상환 이자 환헤지 원가 마진 단가 점유율 브랜드 유통망 온라인 오프라인 플랫폼
데이터 알고리즘 보안 인프라 전력 용수 부지 인센티브 교육 채용 임금 복지 근로시간 안전관리 탄소배출 재활용 폐기물 설계 시공 감리
검증 시험 양산 출하 선적 통관 수주 잔고 파이프라인 포트폴리오 지배구조 승계 분할 합병 상장 공모 증자 자사주 배당성향 밸류업""")
_KO_FILL_V = _l("""재점검하고 있다|놓고 고심하고 있다|두고 의견이 엇갈린다|중심으로 재편하는 분위기다|위해 별도 조직을 꾸렸다|우선순위에 두기로 했다|
최대 과제로 꼽았다|다시 들여다보고 있다|놓고 막판 조율을 벌이고 있다|둘러싼 논의가 이어지고 있다|강화해야 한다는 목소리가 커지고 있다|
서두르는 모습이다|앞세워 점유율 확대에 나섰다|늘리는 방안을 검토 중이다|줄이는 데 주력하고 있다|챙겨야 한다는 지적이 나온다|
계기로 체질 개선에 나선다|핵심 변수로 보고 있다|꼼꼼히 따져볼 방침이다|지켜본 뒤 결정할 계획이다|묶어 패키지로 제공한다|
단계적으로 확대할 예정이다|점검하는 회의를 매주 열고 있다|새로 정비하기로 했다|통합해 운영하기로 했다|분리해 관리할 방침이다|
명확히 해야 한다고 주문했다|개선하라고 요구했다|주요 안건으로 올렸다|구체적으로 공개하지 않았다|예년보다 앞당겨 확정했다|
외부 전문가와 함께 살펴보기로 했다|한꺼번에 손보는 작업에 들어갔다|놓고 저울질하고 있다|기준으로 삼기로 했다""")
_KO_FILL_ADV = _l("최근|당분간|이미|올해 들어|그동안|여전히|사실상|일단|우선|동시에|점차|본격적으로|내부적으로|장기적으로|이번 주부터")
_KO_FILL_V2 = _l("""예상보다 빠르게 커지고 있다|한동안 부담으로 작용할 전망이다|하반기 들어 뚜렷해질 것으로 보인다|아직 가시화하지 않았다|
이전과 다른 양상을 보이고 있다|개선될 여지가 크다|당초 계획보다 늦어지고 있다|회사 안팎의 관심사로 떠올랐다|사실상 한계에 다다랐다|
여전히 불투명하다|빠르게 정상화되고 있다|숫자로 확인되기 시작했다""")

_EN_FILL_ADJ = _w("""regional global domestic overseas tighter looser weaker stronger slower faster cheaper costlier local national private
public smaller larger mid-sized leading struggling listed unlisted key core new existing annual quarterly monthly long-term short-term
early late rising falling stable volatile fragile resilient digital physical integrated separate joint shared internal external
upstream downstream structural cyclical seasonal competitive strategic operational financial technical legal fiscal monetary""")
_EN_FILL_N = _w("""supplier network pricing outlook margin pressure demand supply capacity inventory backlog order book pipeline portfolio
workforce wage bill labor union board shareholder dividend buyback listing spin-off merger rival partner customer client contractor
subcontractor regulator watchdog lawmaker ministry agency lender borrower investor fund bond loan credit liquidity collateral
maturity refinancing yield spread tariff quota subsidy incentive tax credit grant budget deficit surplus revenue cost expense capex
plant site facility warehouse port terminal grid substation pipeline license permit approval audit probe lawsuit settlement deal
contract tender bid patent standard certification prototype pilot rollout upgrade retrofit overhaul restructuring turnaround
expansion slowdown rebound recovery downturn shortage glut backlog bottleneck delay schedule timeline roadmap target guidance
forecast estimate consensus valuation rating outlook brand channel platform dataset algorithm server chip module component""")
_EN_FILL_V = _l("""weighs on|feeds into|depends on|adds to|eases|complicates|reshapes|delays|speeds up|drives|limits|supports|undermines|
tests|reflects|outweighs|offsets|shapes|strains|props up|holds back|hinges on|points to|raises questions about|casts doubt on|
puts a floor under|sets the tone for|narrows|widens|clouds""")
_EN_FILL_PREP = _w("for across among within at in around behind beyond under over between")
_EN_SUFFIX = _w("tion ment ity ance ism ics ery ure age ness er ing al ure ite on ar ive")
_EN_FILL_LEAD = _l("Meanwhile,|Still,|Even so,|For now,|In practice,|At home,|Abroad,|Over time,|In the near term,|Beyond that,|"
                   "Put simply,|More broadly,|On paper,|By some estimates,|Privately,")

_JA_FILL_N = _w("""市場 政府 企業 投資家 消費者 需要 供給 価格 費用 政策 規制 支援 協力 競争 技術 人材 設備 生産 販売 収益 損失 負債
資金 金利 物価 成長 危機 回復 戦略 計画 目標 見通し 懸念 期待 変化 構造 改革 効率 品質 安全 環境 原材料 部品 素材 製品 顧客
取引先 労組 経営陣 株主 取締役会 地域 首都圏 地方 海外 国内 業界 現場 特許 標準 認証 物流 港湾 住宅 土地 資産 配当 業績
雇用 若年層 家計 所得 消費 預金 税金 財政 予算 補助金 関税 通商 安全保障 在庫 受注 契約 入札 許認可 着工 稼働 増産 減産 点検
調査 監査 制裁 訴訟 交渉 流動性 信用 担保 返済 利払い 原価 利幅 単価 ブランド 流通網 データ 電力 用地 教育 採用 賃金 福利厚生""")
_JA_FILL_V = _l("""をめぐる議論が続いている|の見直しが進んでいる|への懸念が根強い|を重視する声が多い|の先行きは不透明だ|が焦点になっている|
の改善が急務だ|を巡って調整が難航している|の影響を注視している|が想定より早く進んでいる|を段階的に拡大する|の強化を検討している|
が重荷になっている|の立て直しを急ぐ|を最優先課題に据えた""")
_ZH_FILL_N = _w("""市场 政府 企业 投资者 消费者 需求 供给 价格 成本 政策 监管 支持 合作 竞争 技术 人才 设备 生产 销售 收益 亏损 负债
资金 利率 物价 增长 危机 复苏 战略 规划 目标 前景 担忧 预期 变化 结构 改革 效率 质量 安全 环境 原材料 零部件 材料 产品 客户
供应商 工会 管理层 股东 董事会 区域 沿海 内陆 海外 国内 行业 一线 专利 标准 认证 物流 港口 住房 土地 资产 分红 业绩 就业
青年 家庭 收入 消费 储蓄 贷款 存款 税收 财政 预算 补贴 关税 贸易 安全 库存 订单 合同 招标 审批 开工 投产 扩产 减产 检查 调查
审计 制裁 诉讼 谈判 流动性 信用 抵押 偿还 利息 毛利 单价 品牌 渠道 数据 电力 用地 培训 招聘 工资 福利""")
_ZH_FILL_V = _l("""仍面临较大压力|正在加快调整|成为市场关注焦点|有待进一步观察|出现明显分化|呈现回暖迹象|亟需统筹推进|持续承压|
逐步改善|面临结构性挑战|存在较大不确定性|被列为重点任务|需要长期投入|正在重新评估|保持总体稳定""")
_VI_FILL_N = _l("""thị trường|chính phủ|doanh nghiệp|nhà đầu tư|người tiêu dùng|nhu cầu|nguồn cung|giá cả|chi phí|chính sách|quy định|
hỗ trợ|hợp tác|cạnh tranh|công nghệ|nhân lực|thiết bị|sản xuất|bán hàng|lợi nhuận|thua lỗ|nợ vay|dòng vốn|lãi suất|lạm phát|
tăng trưởng|khủng hoảng|phục hồi|chiến lược|kế hoạch|mục tiêu|triển vọng|lo ngại|kỳ vọng|cơ cấu|cải cách|hiệu quả|chất lượng|
an toàn|môi trường|nguyên liệu|linh kiện|sản phẩm|khách hàng|đối tác|công đoàn|ban lãnh đạo|cổ đông|địa phương|xuất nhập khẩu|
logistics|cảng biển|nhà ở|đất đai|tài sản|cổ tức|kết quả kinh doanh|việc làm|thu nhập|tiêu dùng|tiền gửi|thuế|ngân sách|trợ cấp|
thuế quan|tồn kho|đơn hàng|hợp đồng|đấu thầu|cấp phép|khởi công|vận hành|thanh tra|kiểm toán|tranh chấp|đàm phán|thanh khoản|
tín dụng|tài sản bảo đảm|giá thành|biên lợi nhuận|thương hiệu|kênh phân phối|dữ liệu|điện năng|mặt bằng|đào tạo|tuyển dụng|tiền lương""")
_VI_FILL_V = _l("""đang gây áp lực lên|tiếp tục hỗ trợ|có thể làm chậm|đang thúc đẩy|sẽ ảnh hưởng trực tiếp đến|vẫn phụ thuộc nhiều vào|
đang tái định hình|góp phần ổn định|khiến nhiều bên phải cân nhắc lại|tạo thêm dư địa cho|đặt ra yêu cầu mới đối với|làm gia tăng rủi ro cho""")
_VI_FILL_LEAD = _l("Bên cạnh đó,|Trong khi đó,|Tuy nhiên,|Về dài hạn,|Trước mắt,|Ngoài ra,|Thực tế,|Theo giới phân tích,")


# ============================================================================ Korean
_KO_SYL = _w("가 나 다 라 마 바 사 아 자 차 카 타 파 하 강 남 동 서 한 신 성 진 현 준 민 수 영 호 정 은 지 혜 윤 경 미 선 우 재 "
             "원 태 석 철 용 상 훈 희 연 주 종 규 범 찬 솔 빛 들 봄 새 온 누 리 별 달 해 담 결 람 율 채 설 린 도 로 모 보 소 오 조 "
             "초 코 토 포 두 루 무 부 구 누 투 푸 휴 결 광 대 덕 명 문 백 산 송 안 양 엘 인 일 장 천 청 충 평 풍 향 화 환 흥 에 이 유 "
             "아 레 네 베 제 케 테 페 헤 나 온 빈 곰 솜 톡 픽 킹 랩 넷 웍 텍 젠 큐 브 크 트 프 스 즈")
_KO_CO_REAL = _l("""삼성전자|SK하이닉스|현대자동차|기아|LG에너지솔루션|포스코홀딩스|한화오션|HD현대중공업|네이버|카카오|셀트리온|
삼성바이오로직스|LG화학|롯데케미칼|CJ제일제당|대한항공|KT|SK텔레콤|한국전력공사|신한은행|KB국민은행|하나은행|우리은행|NH농협은행|
두산에너빌리티|한국가스공사|쿠팡|이마트|아모레퍼시픽|효성|GS칼텍스|에쓰오일|에코프로비엠|삼성SDI|SK이노베이션|현대모비스|LG디스플레이|
LG전자|삼성물산|한화에어로스페이스|크래프톤|넥슨|엔씨소프트|HMM|현대건설|대우건설|GS건설|롯데쇼핑|KT&G|오리온|농심|삼양식품|
하이브|CJ대한통운|한미약품|유한양행|SK바이오팜|한국조선해양|현대제철|고려아연|LS일렉트릭|한국항공우주산업|LIG넥스원|한국수력원자력""")
_KO_GOV = _l("""기획재정부|산업통상자원부|금융위원회|금융감독원|한국은행|국토교통부|과학기술정보통신부|공정거래위원회|고용노동부|
중소벤처기업부|환경부|해양수산부|농림축산식품부|통계청|관세청|국세청|보건복지부|한국거래소|산업은행|수출입은행|
방위사업청|특허청|식품의약품안전처|국민연금공단|한국무역보험공사|코트라|조달청|행정안전부""")
_KO_INST = _l("""한국개발연구원|산업연구원|한국무역협회|대한상공회의소|한국경제인협회|LG경영연구원|현대경제연구원|삼성글로벌리서치|
자본시장연구원|한국금융연구원|에너지경제연구원|국제금융센터|트렌드포스|카운터포인트리서치|블룸버그인텔리전스|클락슨리서치|
SNE리서치|옴디아|IDC|가트너|한국자동차모빌리티산업협회|한국반도체산업협회|한국배터리산업협회|한국철강협회|한국건설산업연구원""")
_KO_BROKERS = _l("""한국투자증권|미래에셋증권|NH투자증권|KB증권|삼성증권|키움증권|하나증권|신한투자증권|대신증권|메리츠증권|
유안타증권|LS증권|교보증권|iM증권|DB금융투자|IBK투자증권|현대차증권|SK증권|한화투자증권|유진투자증권|다올투자증권|BNK투자증권""")
_KO_CO_SUFFIX = _w("테크 바이오 소재 에너지 로보틱스 반도체 제약 물산 건설 솔루션 모빌리티 푸드 헬스케어 홀딩스 인베스트먼트 전자 "
                   "화학 중공업 네트웍스 시스템즈 머티리얼즈 케미칼 디스플레이 이노베이션 파마 랩스 인더스트리 엔지니어링 글로벌 "
                   "리테일 로지스틱스 에어로스페이스 메디칼 그린텍 정밀 전기 기공 산업 게임즈 엔터테인먼트 파트너스 캐피탈")
_KO_SURNAMES = _w("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 전 홍 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우 구 "
                  "민 나 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 인 맹")
_KO_GIVEN = _w("민 준 서 연 지 훈 우 현 수 영 재 성 은 혜 동 규 태 호 진 상 희 정 원 경 미 선 석 철 용 범 찬 솔 빈 윤 아 예 "
               "하 윤 나 다 유 승 시 도 건 한 주 은 채 소 가 인 세 형 광 종 기 국 명 혁 환 욱 완 섭 식 택 표")
_KO_TITLE_CO = _l("대표이사|사장|부사장|전무|상무|본부장|사업부장|실장|팀장|최고재무책임자(CFO)|최고기술책임자(CTO)|회장|부회장|센터장|수석연구원|연구소장|상무이사")
_KO_TITLE_GOV = _l("장관|차관|제1차관|실장|국장|과장|위원장|부위원장|청장|원장|총재|부총재|정책관|단장|대변인")
_KO_PLACES = _l("""서울|부산|인천|대구|광주|대전|울산|세종|경기도 수원|경기도 평택|경기도 용인|경기도 화성|경기도 이천|충청북도 청주|
충청남도 당진|충청남도 천안|전라남도 여수|전라남도 광양|경상북도 포항|경상북도 구미|경상남도 창원|경상남도 거제|제주|강원도 원주|
강원도 춘천|전라북도 새만금|충청북도 오송|경기도 판교|서울 여의도|서울 마곡|인천 송도|충청북도 오창|울산 온산|경상북도 경주|
전라남도 나주|미국 텍사스주|미국 조지아주|미국 애리조나주|미국 오하이오주|베트남 하노이|베트남 호찌민|인도네시아 자카르타|폴란드 브로츠와프|
헝가리 부다페스트|멕시코 몬테레이|인도 첸나이|중국 시안|중국 우시|일본 도쿄|독일 베를린|캐나다 온타리오주|호주 퍼스|사우디아라비아 리야드|
아랍에미리트 아부다비|튀르키예 이스탄불|브라질 상파울루|칠레 산티아고|말레이시아 쿠알라룸푸르|태국 방콕|필리핀 마닐라""")
_KO_TOPICS = _l("""반도체|메모리반도체|시스템반도체|고대역폭메모리(HBM)|배터리|이차전지|전기차|수소차|수소|원전|소형모듈원전(SMR)|태양광|
해상풍력|바이오시밀러|인공지능(AI)|데이터센터|클라우드|로봇|항공|조선|해운|철강|석유화학|정유|건설|부동산|가계대출|기준금리|환율|
수출|수입|무역수지|소비자물가|고용|임금|설비투자|연구개발(R&D)|공급망|핵심광물|리튬|니켈|희토류|디스플레이|스마트폰|가전|식품|
화장품|관광|면세점|게임|웹툰|콘텐츠|플랫폼|핀테크|가상자산|보험|증권|펀드|상장지수펀드(ETF)|채권|국고채|회사채|스타트업|벤처투자|
인수합병(M&A)|물류|전자상거래|5G|6G|위성|방산|드론|의약품|의료기기|농산물|수산물|유통|외식|자율주행|양자컴퓨터|전력망|
탄소중립|폐배터리 재활용|반도체 장비|반도체 소재|파운드리|비메모리|스마트팩토리|도심항공교통(UAM)|액화천연가스(LNG)|
양극재|음극재|전고체 배터리|차량용 반도체|온디바이스 AI|생성형 AI|사이버보안|디지털 헬스케어|K-푸드|K-뷰티|청년 일자리|
소상공인|자영업|가계부채|주택 공급|전세 시장|재건축|수도권 집값|지방 미분양|노후 산업단지|에너지 효율|전기요금|가스요금""")
_KO_OBJ = _l("""생산라인|공장|연구센터|물류센터|데이터센터|합작법인|생산기지|시험 설비|판매 법인|전용 라인|충전 인프라|제2공장|
기술연구소|통합 플랫폼|개발 거점|위탁생산 시설|재활용 공장|저장 시설|실증 단지|시범 단지|연구개발 허브|서비스 센터""")
_KO_ACT = _l("""투자를 확정했다|증설 계획을 발표했다|공급 계약을 체결했다|업무협약(MOU)을 맺었다|인수를 마무리했다|지분 매각을 결정했다|
시범 운영을 시작했다|가격 인상을 단행했다|구조조정에 착수했다|신규 채용을 확대하기로 했다|출시 일정을 앞당기기로 했다|
사업 재편안을 내놓았다|착공식을 열었다|양산에 들어갔다|수주에 성공했다|대출 규제를 강화하기로 했다|지원 대책을 마련했다|
공동 개발에 나서기로 했다|상장 계획을 철회했다|기술 이전 계약을 맺었다|배당 확대 방침을 밝혔다|자사주 소각을 결의했다""")
_KO_REPORT = _l("밝혔다|발표했다|공시했다|전했다|알렸다|설명했다")
_KO_SAY = _l("말했다|강조했다|설명했다|밝혔다|덧붙였다|내다봤다|분석했다|지적했다|전망했다|평가했다")
_KO_ADV = _l("""한편|특히|다만|이와 함께|이에 따라|또한|아울러|이 밖에|실제로|그러나|반면|앞서|이에 대해|업계에 따르면|
이번 조치로|이 같은 흐름 속에|시장에서는|금융권에서는|정부 안팎에서는|현지에서는|증권가에서는""")
_KO_METRIC = _l("""매출|영업이익|순이익|수출액|수입액|출하량|판매량|생산량|시장 점유율|가동률|거래대금|시가총액|신규 수주|재고|
평균 판매가격|설비투자액|연구개발비|고용 인원|주문량|방문객 수|가입자 수|거래량|대출 잔액|연체율""")
_KO_PERIOD = _l("올해 1분기|올해 2분기|지난해 4분기|올해 상반기|지난해 하반기|지난달|지난 5월|지난 6월|1~5월|올해 들어|최근 3개월|지난 한 해")
_KO_FUT = _l("내년 상반기|내년 하반기|2026년|2027년|2028년 말|2030년|연내|다음 달|올해 말|오는 10월|오는 12월|3년 안에|2029년 1분기")
_KO_RISK = _l("원가 부담|공급 과잉|수요 둔화|규제 강화|보호무역 기조|인력난|금리 부담|환율 변동성|지정학적 리스크|전력 부족|가격 경쟁|기술 유출")
_KO_EFFECT = _l("실적 회복을 늦출|투자 심리를 위축시킬|수익성을 떨어뜨릴|중소 협력사에 부담을 줄|일정 차질로 이어질|가격 인상 압력을 키울|고용 불안을 키울")
_KO_QEND = _l("""차질 없이 준비하겠다|경쟁력을 끝까지 지켜내겠다|고객과의 신뢰를 최우선에 두겠다|속도를 더 내야 한다|
정책 지원이 뒷받침돼야 한다|위기를 기회로 삼겠다|당분간 신중한 접근이 필요하다|중장기 성장 동력이 될 것으로 본다|
하반기에는 수요가 살아날 것으로 기대한다|협력사와 함께 성과를 나누겠다|규제 개선이 시급하다|시장의 우려는 과도하다""")
_KO_QMID = _l("""시장의 판도가 빠르게 바뀌고 있어|수요가 예상보다 빠르게 늘고 있어|글로벌 경쟁이 한층 치열해진 만큼|고객사의 요구가 까다로워지고 있어|
원가 구조를 근본적으로 바꾸지 않으면 안 되는 상황이라|정부와 업계가 한목소리를 내야 할 때라|이번 결정은 오랜 검토 끝에 나온 것으로|
단기 실적보다 기술 격차가 중요하기 때문에|현장의 목소리를 충분히 들었고|해외 고객 확보가 관건인 만큼""")
_KO_UNIV = _l("서울대|연세대|고려대|KAIST|포스텍|성균관대|한양대|서강대|이화여대|경희대|UNIST|중앙대|부산대|경북대")
_KO_COUNTRY = _l("미국|중국|일본|베트남|인도|유럽연합(EU)|멕시코|인도네시아|사우디아라비아|독일|폴란드|호주|캐나다|대만|튀르키예|브라질")
_KO_HDR_SECTION = _l("경제|산업|금융|증권|부동산|IT·과학|국제경제|유통|정책")


class _Korean(_LangBase):
    frames = 22
    frames_per_story = (4, 7)
    topics = _KO_TOPICS
    code = "ko"
    tz = timezone(timedelta(hours=9))
    outlets = (("해솔경제", "www.haesol-econ.example", "news/articleView.html?idxno={n}"),
               ("미리내일보", "www.mirinae-ilbo.example", "article/{ymd}{n}"),
               ("온누리뉴스", "news.onnuri.example", "view/{n}"),
               ("도담비즈", "www.dodambiz.example", "news/{ymd}/{n}"),
               ("라온경제신문", "www.raon-econ.example", "news/read.php?id={n}"),
               ("새솔데일리", "www.saesol-daily.example", "article/{n}"),
               ("가람타임스", "www.garam-times.example", "news/articleView.html?idxno={n}"),
               ("누비경제", "biz.nubi.example", "view/{ymd}{n}"),
               ("하람뉴스", "www.haram-news.example", "news/{ymd}/{n}.html"),
               ("여울일보", "www.yeoul-ilbo.example", "article/{n}"),
               ("다올투데이", "www.daol-today.example", "news/articleView.html?idxno={n}"),
               ("너울경제TV", "www.neoul-tv.example", "news/read.php?id={n}"))
    cont = "(계속)"

    # -- entities
    def company(self, g: _G) -> str:
        return g.pick(_KO_CO_REAL) if g.chance(0.45) else g.word(_KO_SYL, 2, 3) + g.pick(_KO_CO_SUFFIX)

    def person(self, g: _G) -> str:
        return g.pick(_KO_SURNAMES) + g.pick(_KO_GIVEN) + g.pick(_KO_GIVEN)

    def money(self, g: _G) -> str:
        x = g.r()
        if x < 0.55:
            eok = g.ri(3, 99_999) if g.chance(0.6) else g.ri(3, 999)
            if eok >= 10_000:
                jo_, rest = divmod(eok, 10_000)
                rest = rest // 100 * 100
                return f"{jo_}조{rest}억원" if rest else f"{jo_}조원"
            return f"{eok}억원"
        if x < 0.8:
            return f"{g.ri(1, 980)}억 달러" if g.chance(0.4) else f"{g.ri(10, 9800)}만 달러"
        return f"{g.ri(2, 9800)}억원 규모"

    def price(self, g: _G) -> str:
        a = g.ri(1, 120)
        b = g.ri(0, 99) * 100
        return f"{a}만{b}원" if b else f"{a}만원"

    def day(self, g: _G) -> str:
        return g.pick(("{d}일", "지난 {d}일", "지난달 {d}일", "{d}일(현지시간)", "이날", "{d}일 오전")).format(d=g.ri(1, 31))

    def project(self, g: _G) -> str:
        return g.pick(("{w} 프로젝트", "{w} 사업", "{w} 플랫폼", "'{w}' 브랜드", "{w} 펀드", "{w} 클러스터", "{w}-{n} 모델",
                       "{w} 단지", "제{k}차 {w} 계획")).format(w=g.word(_KO_SYL, 2, 3), n=g.ri(10, 9900), k=g.ri(2, 9))

    def event(self, g: _G) -> dict:
        p1, p2 = self.person(g), self.person(g)
        o1 = self.company(g)
        return {"o1": o1, "o2": self.company(g), "gov": g.pick(_KO_GOV), "p1": p1, "p1t": g.pick(_KO_TITLE_CO),
                "p2": p2, "p2t": g.pick(_KO_TITLE_GOV), "l1": g.pick(_KO_PLACES), "t1": g.pick(self.topics),
                "t2": g.pick(self.topics), "t3": g.pick(self.topics), "o3": self.company(g), "frames": self.story_frames(g), "obj": g.pick(_KO_OBJ), "proj": self.project(g), "m1": self.money(g),
                "d1": g.ri(1, 28), "fut": g.pick(_KO_FUT), "act": g.pick(_KO_ACT), "pct": g.pct()}

    # -- text
    def quote(self, g: _G, e: dict) -> str:
        t = e["t1"] if g.chance(0.5) else self.tp(g, e)
        x = g.r()
        if x < 0.35:
            return f"{g.pick(_KO_QMID)} {jo(t, '과', '와')} {self.tp(g, e)} 분야에서 {g.pick(_KO_QEND)}"
        if x < 0.7:
            return f"{jo(e['proj'] if g.chance(0.5) else self.project(g), '은', '는')} {t} 경쟁력을 끌어올리는 {g.pick(('핵심 거점이', '전환점이', '교두보가', '시금석이'))} 될 것"
        return f"{g.pick(_KO_PERIOD)} {t} {jo(g.pick(_KO_METRIC), '이', '가')} {g.pct()}% {g.pick(('늘었지만', '줄었지만', '회복됐지만'))} {g.pick(_KO_QEND)}"

    def said(self, g: _G, q: str) -> str:
        return f"\"{q}\"{'고' if q.endswith('다') else '이라고'} {g.pick(_KO_SAY)}."

    fill_head = _KO_FILL_N

    def pseudo(self, g: _G) -> str:
        return g.word(_KO_SYL, 2, 3)

    def filler(self, g: _G, e: dict) -> str:
        w = self.w
        if g.r() < 0.5:
            return (f"{g.pick(_KO_FILL_ADV)} {w(g, e)}의 {w(g, e)} {jo(w(g, e), '과', '와')} {w(g, e)} "
                    f"{jo(w(g, e), '을', '를')} {g.pick(_KO_FILL_V)}.")
        return f"{w(g, e)}의 {w(g, e)} {jo(w(g, e), '은', '는')} {w(g, e)} {w(g, e)} 측면에서 {g.pick(_KO_FILL_V2)}."

    def sentence(self, g: _G, e: dict, k: int) -> str:
        if k == 0:
            return (f"{jo(self.org(g, e), '은', '는')} {self.day(g)} {g.pick(_KO_PLACES) if g.chance(0.4) else e['l1']}에 "
                    f"{jo(self.money(g) if g.chance(0.5) else e['m1'], '을', '를')} 들여 {e['t1']} {jo(g.pick(_KO_OBJ), '을', '를')} 짓는다고 {g.pick(_KO_REPORT)}.")
        if k == 1:
            return f"{jo(self.org(g, e), '은', '는')} {self.day(g)} {jo(e['o2'] if g.chance(0.5) else self.company(g), '과', '와')} {self.tp(g, e)} 분야 {g.pick(_KO_ACT)}."
        if k == 2:
            o, who = (self.org(g, e), e["p1"]) if g.chance(0.5) else (self.company(g), self.person(g))
            return f"{who} {o} {jo(e['p1t'] if who == e['p1'] else g.pick(_KO_TITLE_CO), '은', '는')} {self.said(g, self.quote(g, e))}"
        if k == 3:
            who = e["p2"] if g.chance(0.5) else self.person(g)
            gov = e["gov"] if g.chance(0.6) else g.pick(_KO_GOV)
            return f"{who} {gov} {jo(e['p2t'] if who == e['p2'] else g.pick(_KO_TITLE_GOV), '은', '는')} {self.said(g, self.quote(g, e))}"
        if k == 4:
            return (f"{g.pick(_KO_ADV)} 이날 유가증권시장에서 {self.org(g, e)} 주가는 전 거래일보다 {g.pct(0.1, 15)}% "
                    f"{g.pick(('오른', '내린'))} {self.price(g)}에 거래를 마쳤다.")
        if k == 5:
            return (f"{g.pick(_KO_INST)}에 따르면 {g.pick(_KO_PERIOD)} {self.tp(g, e)} "
                    f"{jo(g.pick(_KO_METRIC), '은', '는')} {jo(self.money(g), '으로', '로')} 전년 동기 대비 {g.pct()}% "
                    f"{g.pick(('증가했다', '감소했다', '늘었다', '줄었다'))}.")
        if k == 6:
            return (f"{self.person(g)} {g.pick(_KO_BROKERS)} 연구원은 \"{self.tp(g, e)} 업황이 "
                    f"{g.pick(('바닥을 지나고 있다', '예상보다 빠르게 개선되고 있다', '하반기에 꺾일 수 있다', '당분간 횡보할 것으로 보인다'))}\"며 "
                    f"\"{self.org(g, e)}의 {g.pick(_KO_FUT)} {jo(g.pick(_KO_METRIC), '은', '는')} {self.money(g)} 수준이 될 것\"이라고 {g.pick(_KO_SAY)}.")
        if k == 7:
            return (f"{jo(self.org(g, e), '은', '는')} {g.pick(_KO_FUT)}까지 {e['l1'] if g.chance(0.5) else g.pick(_KO_PLACES)}에 "
                    f"{jo(self.money(g), '을', '를')} 투입해 {jo(e['proj'] if g.chance(0.5) else self.project(g), '을', '를')} {g.pick(('완성할', '본격화할', '확대할', '가동할', '마무리할'))} 계획이다.")
        if k == 8:
            return (f"{jo(e['gov'] if g.chance(0.5) else g.pick(_KO_GOV), '은', '는')} 오는 {g.ri(1, 31)}일 {self.tp(g, e)} 업계와 "
                    f"간담회를 열고 {e['t1']} {g.pick(('지원 방안', '규제 개선 과제', '세제 혜택', '인력 양성 계획', '인프라 구축 일정'))}을 논의할 예정이다.")
        if k == 9:
            return (f"{g.pick(('업계', '시장', '전문가들', '노동계', '학계'))} 일각에서는 {self.tp(g, e)} {jo(g.pick(_KO_RISK), '이', '가')} "
                    f"{g.pick(_KO_EFFECT)} 수 있다는 우려도 나온다.")
        if k == 10:
            return (f"{jo(g.pick(_KO_INST), '은', '는')} {g.pick(_KO_FUT)} {self.tp(g, e)} {jo(g.pick(_KO_METRIC), '이', '가')} "
                    f"{self.money(g)}에 이를 것으로 {g.pick(('전망했다', '내다봤다', '예상했다', '추산했다'))}.")
        if k == 11:
            return (f"이번 {jo(e['proj'] if g.chance(0.5) else self.project(g), '으로', '로')} {e['l1'] if g.chance(0.6) else g.pick(_KO_PLACES)} "
                    f"지역에 {g.ri(2, 98) * 100}명 규모의 일자리가 새로 생길 것으로 기대된다.")
        if k == 12:
            m = self.money(g)
            x = int(g.r() * 4)
            tail = (jo(m, "을", "를") + " 기록했다" if x == 0 else jo(m, "으로", "로") + " 집계됐다" if x == 1
                    else m + "에 그쳤다" if x == 2 else jo(m, "을", "를") + " 넘어섰다")
            return f"{g.pick(_KO_ADV)} {jo(self.org(g, e), '은', '는')} {g.pick(_KO_PERIOD)} {jo(g.pick(_KO_METRIC), '이', '가')} {tail}."
        if k == 13:
            return (f"{g.pick(_KO_ADV)} {e['t2']} 부문에서는 {jo(self.company(g), '과', '와')} {jo(self.company(g), '이', '가')} "
                    f"{self.tp(g, e)} 시장을 두고 {g.pick(('치열한 경쟁을 벌이고 있다', '협력 관계를 넓히고 있다', '가격 인하 경쟁에 들어갔다', '점유율 격차를 좁히고 있다'))}.")
        if k == 14:
            return (f"{jo(e['o1'], '은', '는')} 지난해 {g.ri(1, 12)}월 {g.pick(_KO_PLACES)}에 {jo(g.pick(_KO_OBJ), '을', '를')} "
                    f"{g.pick(('준공한', '인수한', '매각한', '착공한', '가동한'))} 바 있으며, 당시 {g.pick(_KO_METRIC)} 목표로 {jo(self.money(g), '을', '를')} 제시했다.")
        if k == 16:
            return (f"{jo(self.org(g, e), '은', '는')} {g.pick(_KO_FUT)}까지 {self.tp(g, e)} "
                    f"{jo(g.pick(('생산능력', '매출', '고객사 수', '수출 물량', '판매망')), '을', '를')} 현재의 {g.ri(2, 4)}배 수준으로 늘린다는 목표를 세웠다.")
        if k == 17:
            return (f"{self.person(g)} {g.pick(_KO_UNIV)} {g.pick(('경제학과', '경영학과', '전자공학과', '산업공학과', '화학공학과'))} "
                    f"교수는 {self.said(g, self.quote(g, e))}")
        if k == 18:
            return (f"관세청에 따르면 지난달 {jo(g.pick(_KO_COUNTRY), '으로', '로')} 수출된 {self.tp(g, e)} 물량은 전년 같은 달보다 "
                    f"{g.pct()}% {g.pick(('늘었다', '줄었다', '급증했다', '감소했다'))}.")
        if k == 19:
            return (f"{jo(self.org(g, e), '은', '는')} 오는 {g.ri(1, 12)}월 {g.ri(1, 28)}일 "
                    f"{jo(g.pick(('정기 주주총회', '이사회', '투자설명회', '신제품 발표회', '임시 주주총회')), '을', '를')} 열고 "
                    f"{e['proj']} 관련 안건을 {g.pick(('의결할', '보고할', '공개할', '논의할'))} 예정이다.")
        if k == 20:
            return (f"이번 계약에 따라 {jo(self.org(g, e), '은', '는')} {g.ri(2025, 2032)}년까지 {e['o2'] + '에'} "
                    f"{self.tp(g, e)} {g.pick(('부품', '소재', '장비', '모듈', '완제품'))} {g.ri(2, 980)}{g.pick(('만 개', '톤', '대', '세트'))}를 공급한다.")
        if k == 21:
            return (f"{jo(self.org(g, e), '은', '는')} 올해 {g.pick(_KO_METRIC)} 전망치를 {self.money(g) + '에서'} "
                    f"{jo(self.money(g), '으로', '로')} {g.pick(('낮췄다', '높였다', '하향 조정했다', '상향 조정했다'))}.")
        return (f"{g.pick(_KO_ADV)} {self.tp(g, e)} 관련 {g.pick(('수요', '투자', '수출', '가격', '거래'))}는 "
                f"{g.pick(_KO_PERIOD)} {g.pct()}% {g.pick(('늘었다', '줄었다', '반등했다', '둔화됐다'))}.")

    def background(self, g: _G, e: dict) -> str:
        return (f"앞서 {jo(e['o1'], '은', '는')} {e['d1']}일 {e['l1']}에서 {jo(e['o2'], '과', '와')} 함께 {e['t1']} 관련 "
                f"{jo(e['proj'], '을', '를')} 공개하고 {jo(e['m1'], '을', '를')} 투입하겠다고 밝혔다. 이 자리에는 {e['p2']} {e['gov']} "
                f"{jo(e['p2t'], '과', '와')} {e['p1']} {e['o1']} {e['p1t']} 등이 참석했다.")

    def title(self, g: _G, e: dict) -> str:
        x = g.r()
        if x < 0.3:
            return f"{e['o1']}, {e['l1'].split()[-1]}에 {e['t1']} {e['obj']} {e['m1']} 투자…{e['fut']} 가동"
        if x < 0.55:
            return f"{e['o1']}·{e['o2']}, {e['t1']} {e['act'].split()[0]} 맞손"
        if x < 0.8:
            return f"{e['gov']}, {e['t1']} {g.pick(('지원책', '규제 완화', '점검 회의', '대책'))} 발표…\"{e['t2']}도 챙긴다\""
        return f"[{g.pick(('단독', '종합', '이슈분석', '현장'))}] {e['t1']} {g.pick(('시장 재편', '투자 경쟁', '수요 회복', '공급 과잉'))}…{e['o1']} 행보 주목"

    def byline(self, g: _G, o: tuple) -> str:
        return f"{self.person(g)} 기자 {g.email_local()}@{o[1].split('.', 1)[1]}"

    def copyright(self, g: _G, o: tuple) -> str:
        return g.pick(("ⓒ {s} 무단전재 및 재배포 금지", "<저작권자 © {s}, 무단 전재-재배포 금지>", "Copyright ⓒ {s}. All rights reserved.")).format(s=o[0])

    def header(self, g: _G, o: tuple, dt: datetime) -> str:
        return f"{o[0]} | {g.pick(_KO_HDR_SECTION)} | 입력 {dt:%Y.%m.%d %H:%M}"

    def related(self, g: _G, e: dict) -> str:
        return f"▶ 관련기사: {self.title(g, self.event(g))}"

    def edit_words(self) -> tuple[str, ...]:
        return _KO_TOPICS + _KO_METRIC


# ============================================================================ English
_EN_CO_REAL = _l("""Samsung Electronics|SK hynix|Hyundai Motor|Kia|LG Energy Solution|POSCO Holdings|Hanwha Ocean|HD Hyundai Heavy Industries|
Naver|Kakao|Celltrion|Samsung Biologics|LG Chem|Lotte Chemical|CJ CheilJedang|Korean Air|KT|SK Telecom|Korea Electric Power Corp.|
Shinhan Bank|KB Kookmin Bank|Hana Bank|Woori Bank|Doosan Enerbility|Coupang|E-mart|Amorepacific|Samsung SDI|SK Innovation|EcoPro BM|
Hyosung|GS Caltex|S-Oil|Hyundai Mobis|LG Display|LG Electronics|Samsung C&T|Hanwha Aerospace|Krafton|Nexon|NCSoft|HMM|Hyundai E&C|
Korea Zinc|LS Electric|Korea Aerospace Industries|LIG Nex1|Korea Hydro & Nuclear Power|Hanmi Pharmaceutical|Yuhan|HYBE|CJ Logistics""")
_EN_GOV = _l("""Ministry of Economy and Finance|Ministry of Trade, Industry and Energy|Financial Services Commission|Financial Supervisory Service|
Bank of Korea|Ministry of Land, Infrastructure and Transport|Ministry of Science and ICT|Fair Trade Commission|Ministry of Employment and Labor|
Ministry of SMEs and Startups|Ministry of Environment|Statistics Korea|Korea Customs Service|National Tax Service|Korea Exchange|
Korea Development Bank|Export-Import Bank of Korea|Defense Acquisition Program Administration|Ministry of Food and Drug Safety|National Pension Service""")
_EN_INST = _l("""Korea Development Institute|Korea Institute for Industrial Economics and Trade|Korea International Trade Association|
Korea Chamber of Commerce and Industry|Hyundai Research Institute|Korea Capital Market Institute|Korea Institute of Finance|
TrendForce|Counterpoint Research|Bloomberg Intelligence|Clarksons Research|SNE Research|Omdia|IDC|Gartner|Moody's Analytics|
Fitch Ratings|S&P Global|Nomura|Goldman Sachs|Morgan Stanley|Citi|HSBC|Capital Economics|Oxford Economics""")
_EN_CO_SUFFIX = _l("Technologies|Biologics|Materials|Energy|Robotics|Semiconductor|Pharmaceuticals|Holdings|Logistics|Systems|Networks|Chemical|"
                   "Mobility|Foods|Capital|Partners|Aerospace|Industries|Solutions|Electronics|Engineering|Labs|Therapeutics|Motors|Power")
_EN_KO_SYL = _w("min jun seo yeon ji hoon woo hyun soo young jae sung eun hye dong kyu tae ho jin sang hee jung won kyung mi sun "
                "seok chul yong beom chan sol bin yoon ah ye ha na da yu seung si do gun han ju chae so ga in se hyung kwang jong ki")
_EN_KO_SUR = _w("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Ryu Jeon Hong Ko Moon Yang Son Bae "
                "Baek Heo Nam Shim Noh Ha Kwak Sung Cha Joo Woo Koo Min Na Jin Ji Um Chae Won Chun Bang Gong Hyun")
_EN_WEST_FIRST = _w("Sarah David Emily Michael Laura James Anna Robert Maria Daniel Julia Thomas Rachel Peter Olivia Mark Sophie "
                    "Andrew Hannah Paul Claire Kevin Nina Brian Lucy Eric Grace Simon Alice Victor Diana Martin Elena Lucas Priya Rahul")
_EN_WEST_LAST = _w("Thompson Alvarez Nguyen Walker Fischer Rossi Brennan Okafor Schmidt Dubois Patel Sato Kowalski Hughes Moreau "
                   "Bianchi Larsen Novak Silva Murphy Keller Jensen Costa Weber Ivanova Tanaka Reyes Foster Hartmann Lindqvist")
_EN_TITLE_CO = _l("chief executive|president|vice president|chief financial officer|chief technology officer|head of strategy|"
                  "senior managing director|executive vice president|head of investor relations|research fellow|plant manager|chairman")
_EN_TITLE_GOV = _l("minister|vice minister|director general|deputy governor|governor|commissioner|spokesperson|senior official|chairman|director")
_EN_PLACES = _l("""Seoul|Busan|Incheon|Daegu|Gwangju|Daejeon|Ulsan|Sejong|Suwon|Pyeongtaek|Yongin|Hwaseong|Icheon|Cheongju|Dangjin|
Cheonan|Yeosu|Gwangyang|Pohang|Gumi|Changwon|Geoje|Jeju|Wonju|Pangyo|Yeouido|Songdo|Saemangeum|Texas|Georgia|Arizona|Ohio|Hanoi|
Ho Chi Minh City|Jakarta|Wroclaw|Budapest|Monterrey|Chennai|Xi'an|Wuxi|Tokyo|Berlin|Ontario|Perth|Riyadh|Abu Dhabi|Istanbul|
Sao Paulo|Santiago|Kuala Lumpur|Bangkok|Manila|Singapore|London|Frankfurt|Warsaw|Nevada|Tennessee|Indiana|Bavaria""")
_EN_TOPICS = _l("""semiconductors|memory chips|high-bandwidth memory|batteries|electric vehicles|hydrogen vehicles|hydrogen|nuclear power|
small modular reactors|solar power|offshore wind|biosimilars|artificial intelligence|data centers|cloud services|robotics|aviation|
shipbuilding|shipping|steel|petrochemicals|refining|construction|housing|household debt|interest rates|the won-dollar exchange rate|
exports|imports|the trade balance|consumer prices|employment|wages|capital spending|research and development|supply chains|
critical minerals|lithium|nickel|rare earths|displays|smartphones|home appliances|packaged food|cosmetics|tourism|duty-free retail|
gaming|webtoons|streaming content|platforms|fintech|crypto assets|insurance|brokerage|exchange-traded funds|corporate bonds|
government bonds|startups|venture capital|mergers and acquisitions|logistics|e-commerce|5G networks|satellites|defense|drones|
pharmaceuticals|medical devices|autonomous driving|quantum computing|the power grid|carbon neutrality|battery recycling|chip equipment|
foundry services|smart factories|urban air mobility|liquefied natural gas|cathode materials|anode materials|solid-state batteries|
automotive chips|on-device AI|generative AI|cybersecurity|digital health|K-food|K-beauty|youth employment|small merchants|
home supply|the jeonse market|reconstruction projects|apartment prices|unsold homes|electricity rates|gas tariffs""")
_EN_OBJ = _l("""production line|plant|research center|logistics hub|data center|joint venture|manufacturing base|test facility|sales subsidiary|
dedicated line|charging network|second factory|technology institute|integrated platform|development hub|contract manufacturing site|
recycling plant|storage terminal|demonstration complex|pilot site|R&D campus|service center""")
_EN_VERB_PAST = _l("""signed a supply deal|agreed to form a partnership|completed the acquisition|decided to sell a stake|began trial operations|
raised prices|started a restructuring|announced plans to hire more staff|brought forward the launch|unveiled a business overhaul|
broke ground|began mass production|won an order|tightened lending rules|rolled out a support package|agreed to develop technology jointly|
withdrew its listing plan|signed a technology transfer deal|pledged higher dividends|approved a share buyback""")
_EN_METRIC = _l("""sales|operating profit|net profit|exports|imports|shipments|unit sales|output|market share|utilization|trading value|
market capitalization|new orders|inventories|average selling prices|capital expenditure|R&D spending|headcount|order intake|
visitor numbers|subscribers|transaction volume|outstanding loans|the delinquency rate""")
_EN_PERIOD = _l("in the first quarter|in the second quarter|in the fourth quarter of last year|in the first half|in the second half of last year|"
                "last month|in May|in June|in the January-May period|so far this year|over the past three months|last year")
_EN_FUT = _l("by the first half of next year|in the second half of next year|by 2026|by 2027|by the end of 2028|by 2030|within this year|"
             "next month|by the end of this year|in October|in December|within three years|in the first quarter of 2029")
_EN_RISK = _l("rising costs|oversupply|weaker demand|tighter regulation|protectionism|labor shortages|higher borrowing costs|"
              "currency swings|geopolitical risk|power shortages|price competition|technology leaks")
_EN_EFFECT = _l("delay an earnings recovery|dampen investor sentiment|squeeze margins|put pressure on smaller suppliers|push back schedules|"
                "add to price pressure|weigh on hiring")
_EN_Q1 = _l("""The market is changing faster than anyone expected|Demand is picking up more quickly than we planned for|Competition has never been this fierce|
Customers are asking for more, and sooner|We cannot keep the old cost structure|Government and industry need to speak with one voice|
This decision came after a long review|The technology gap matters more than one quarter's results|We listened carefully to the people on the ground|
Winning overseas customers is the key""")
_EN_Q2 = _l("""we will be ready on time|we intend to defend our lead|customer trust comes first|we have to move faster|policy support has to follow|
we see this as an opportunity|a cautious approach is warranted for now|this will drive growth for years|we expect demand to recover in the second half|
we will share the gains with our suppliers|regulation needs to catch up|the market's concerns are overdone""")
_EN_SAY = _l("said|told reporters|said in a statement|said at a briefing|told a news conference|wrote in a report|said in an interview")
_EN_ADV = _l("Meanwhile,|In particular,|However,|At the same time,|As a result,|Separately,|In addition,|Industry officials said|"
             "Analysts noted that|According to people familiar with the matter,|On the stock market,|Earlier,|Still,")
_EN_WEEKDAY = _w("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_EN_MONTH = _w("January February March April May June July August September October November December")
_EN_UNIV = _l("Seoul National University|Yonsei University|Korea University|KAIST|POSTECH|Sungkyunkwan University|Hanyang University|"
              "Sogang University|Ewha Womans University|Kyung Hee University|UNIST|Chung-Ang University")
_EN_COUNTRY = _l("the United States|China|Japan|Vietnam|India|the European Union|Mexico|Indonesia|Saudi Arabia|Germany|Poland|"
                 "Australia|Canada|Brazil|Taiwan")


class _English(_LangBase):
    frames = 24
    frames_per_story = (4, 7)
    topics = _EN_TOPICS
    code = "en"
    tz = timezone(timedelta(hours=9))
    outlets = (("Han River Herald", "www.hanriver-herald.example", "news/{ymd}/{slug}-{n}"),
               ("Seoul Business Wire", "www.seoulbizwire.example", "article/{n}"),
               ("Korea Market Times", "www.koreamarkettimes.example", "view.php?ud={ymd}{n}"),
               ("Peninsula Economic Post", "www.peninsula-post.example", "{ymd}/{slug}"),
               ("Asia Trade Journal", "asiatradejournal.example", "news/articleView.html?idxno={n}"),
               ("Daily Ledger Korea", "www.dailyledger.example", "business/{slug}-{n}"),
               ("Eastgate Financial News", "www.eastgate-fn.example", "markets/{ymd}/{n}"))
    cont = "(continued)"

    def company(self, g: _G) -> str:
        return g.pick(_EN_CO_REAL) if g.chance(0.45) else f"{g.latin(2, 3)} {g.pick(_EN_CO_SUFFIX)}"

    def person(self, g: _G) -> str:
        if g.chance(0.7):
            return f"{g.pick(_EN_KO_SUR)} {g.pick(_EN_KO_SYL).capitalize()}-{g.pick(_EN_KO_SYL)}"
        return f"{g.pick(_EN_WEST_FIRST)} {g.pick(_EN_WEST_LAST)}"

    def money(self, g: _G) -> str:
        x = g.r()
        if x < 0.4:
            won = g.ri(2, 999)
            return f"{won / 10:.1f} trillion won (${won * 0.072:.2f} billion)" if g.chance(0.5) else f"{won * 10} billion won"
        if x < 0.8:
            return f"${g.ri(11, 980)} million" if g.chance(0.5) else f"${g.ri(11, 990) / 10:.1f} billion"
        return f"{g.ri(2, 95)} billion won"

    def day(self, g: _G) -> str:
        return g.pick(("on {w}", "on {w}", "last {w}", "earlier this week", "on {w} local time")).format(w=g.pick(_EN_WEEKDAY))

    def project(self, g: _G) -> str:
        return g.pick(("the {w} project", "its {w} platform", "the {w} brand", "a fund called {w}", "the {w} cluster", "the {w}-{n} model",
                       "the {w} complex", "phase {k} of the {w} plan")).format(w=g.latin(2, 3), n=g.ri(10, 9900), k=g.ri(2, 9))

    def event(self, g: _G) -> dict:
        return {"o1": self.company(g), "o2": self.company(g), "gov": g.pick(_EN_GOV), "p1": self.person(g),
                "p1t": g.pick(_EN_TITLE_CO), "p2": self.person(g), "p2t": g.pick(_EN_TITLE_GOV), "l1": g.pick(_EN_PLACES),
                "t1": g.pick(self.topics), "t2": g.pick(self.topics), "t3": g.pick(self.topics), "o3": self.company(g), "frames": self.story_frames(g), "obj": g.pick(_EN_OBJ), "proj": self.project(g),
                "m1": self.money(g), "d1": g.pick(_EN_WEEKDAY), "fut": g.pick(_EN_FUT), "act": g.pick(_EN_VERB_PAST),
                "pct": g.pct()}

    def quote(self, g: _G, e: dict) -> str:
        return f"{g.pick(_EN_Q1)} in {self.tp(g, e)}, so {g.pick(_EN_Q2)}"

    fill_head = _EN_FILL_N

    def pseudo(self, g: _G) -> str:
        return g.word(_LATIN_SYL, 2, 3) + g.pick(_EN_SUFFIX)

    def filler(self, g: _G, e: dict) -> str:
        w = self.w
        return (f"{g.pick(_EN_FILL_LEAD)} the {g.pick(_EN_FILL_ADJ)} {w(g, e)} {w(g, e)} {g.pick(_EN_FILL_V)} "
                f"{g.pick(_EN_FILL_ADJ)} {w(g, e)} {g.pick(_EN_FILL_PREP)} {w(g, e)}.")

    def sentence(self, g: _G, e: dict, k: int) -> str:
        if k == 0:
            return (f"{self.org(g, e)} said {self.day(g)} it will spend {self.money(g) if g.chance(0.5) else e['m1']} on a new "
                    f"{g.pick(_EN_OBJ)} for {e['t1']} in {e['l1'] if g.chance(0.6) else g.pick(_EN_PLACES)}.")
        if k == 1:
            return f"{self.org(g, e)} {g.pick(_EN_VERB_PAST)} with {e['o2'] if g.chance(0.5) else self.company(g)} in {self.tp(g, e)} {self.day(g)}."
        if k == 2:
            who, t = (e["p1"], e["p1t"]) if g.chance(0.5) else (self.person(g), g.pick(_EN_TITLE_CO))
            return f"\"{self.quote(g, e)},\" {who}, {t} of {self.org(g, e)}, {g.pick(_EN_SAY)}."
        if k == 3:
            who, t = (e["p2"], e["p2t"]) if g.chance(0.5) else (self.person(g), g.pick(_EN_TITLE_GOV))
            gov = e["gov"] if g.chance(0.6) else g.pick(_EN_GOV)
            return f"{who}, {t} at the {gov}, {g.pick(_EN_SAY)} that {g.pick(_EN_Q2)} as {e['t1']} {g.pick(('gathers pace', 'slows', 'faces new pressure', 'recovers'))}."
        if k == 4:
            return (f"Shares of {self.org(g, e)} {g.pick(('rose', 'fell', 'climbed', 'slid'))} {g.pct(0.1, 15)} percent to "
                    f"{g.ri(10, 990) * 100:,} won in Seoul, {g.pick(('outpacing', 'lagging', 'in line with'))} the benchmark KOSPI.")
        if k == 5:
            return (f"According to {g.pick(_EN_INST)}, {g.pick(_EN_METRIC)} in {self.tp(g, e)} "
                    f"{g.pick(('rose', 'fell', 'grew', 'shrank'))} {g.pct()} percent from a year earlier to {self.money(g)} {g.pick(_EN_PERIOD)}.")
        if k == 6:
            return (f"\"The {self.tp(g, e)} cycle {g.pick(('has bottomed out', 'is turning faster than expected', 'could peak in the second half', 'looks flat for now'))},\" "
                    f"said {g.pick(_EN_WEST_FIRST)} {g.pick(_EN_WEST_LAST)}, an analyst at {g.pick(_EN_INST)}, who expects {g.pick(_EN_METRIC)} at "
                    f"{self.org(g, e)} to reach {self.money(g)} {g.pick(_EN_FUT)}.")
        if k == 7:
            return (f"{self.org(g, e)} plans to put {self.money(g)} into {e['proj'] if g.chance(0.5) else self.project(g)} in "
                    f"{e['l1'] if g.chance(0.5) else g.pick(_EN_PLACES)} and {g.pick(('complete', 'expand', 'launch', 'start running'))} it {g.pick(_EN_FUT)}.")
        if k == 8:
            return (f"The {e['gov'] if g.chance(0.5) else g.pick(_EN_GOV)} will meet {self.tp(g, e)} companies on {g.pick(_EN_WEEKDAY)} "
                    f"to discuss {g.pick(('support measures', 'regulatory fixes', 'tax incentives', 'training programs', 'infrastructure timelines'))} for {e['t1']}.")
        if k == 9:
            return f"Some {g.pick(('industry officials', 'investors', 'economists', 'labor groups', 'academics'))} worry that {g.pick(_EN_RISK)} in {self.tp(g, e)} could {g.pick(_EN_EFFECT)}."
        if k == 10:
            return f"{g.pick(_EN_INST)} expects {g.pick(_EN_METRIC)} in {self.tp(g, e)} to reach {self.money(g)} {g.pick(_EN_FUT)}."
        if k == 11:
            return f"The {g.pick(('investment', 'project', 'plant', 'expansion'))} is expected to create about {g.ri(2, 98) * 100:,} jobs in {e['l1'] if g.chance(0.6) else g.pick(_EN_PLACES)}."
        if k == 12:
            return f"{g.pick(_EN_ADV)} {self.org(g, e)} reported {g.pick(_EN_METRIC)} of {self.money(g)} {g.pick(_EN_PERIOD)}, {g.pick(('a record', 'below forecasts', 'above market estimates', 'roughly flat'))}."
        if k == 13:
            return (f"In {e['t2']}, {self.company(g)} and {self.company(g)} {g.pick(('are locked in fierce competition', 'are widening their cooperation', 'have started a price war', 'are closing the market-share gap'))} "
                    f"over the {self.tp(g, e)} market.")
        if k == 15:
            return (f"{self.org(g, e)} {g.pick(('aims to', 'hopes to', 'expects to', 'intends to'))} {g.pick(('double', 'triple', 'lift', 'raise'))} its "
                    f"{self.tp(g, e)} {g.pick(('capacity', 'output', 'revenue', 'customer base'))} to {self.money(g)} {g.pick(_EN_FUT)}, "
                    f"{g.pick(('up from', 'compared with', 'against'))} {self.money(g)} now.")
        if k == 16:
            return (f"{self.person(g)} noted that {self.org(g, e)}'s {g.pick(_EN_METRIC)} {g.pick(('dropped', 'jumped', 'recovered', 'stalled'))} "
                    f"after {g.pick(('a fire at', 'a strike at', 'an upgrade of', 'the closure of'))} its {g.pick(_EN_OBJ)} in {g.pick(_EN_PLACES)}.")
        if k == 17:
            return (f"The deal, valued at {self.money(g)}, still needs approval from the {g.pick(_EN_GOV)}, which "
                    f"{g.pick(('has been reviewing', 'is expected to rule on', 'has raised concerns about', 'signalled support for'))} similar cases in {self.tp(g, e)}.")
        if k == 18:
            return (f"Exports of {self.tp(g, e)} to {g.pick(_EN_COUNTRY)} {g.pick(('surged', 'tumbled', 'edged up', 'slipped'))} {g.pct()} percent "
                    f"in {g.pick(_EN_MONTH)}, customs data showed.")
        if k == 19:
            return (f"{self.org(g, e)} will hold a {g.pick(('shareholders meeting', 'board meeting', 'investor day', 'product launch'))} on "
                    f"{g.pick(_EN_MONTH)} {g.ri(1, 28)} to {g.pick(('vote on', 'present', 'discuss', 'unveil'))} {e['proj']}.")
        if k == 20:
            return (f"Under the {g.pick(('agreement', 'contract', 'memorandum', 'plan'))}, {self.org(g, e)} will supply {g.ri(2, 980) * 10:,} "
                    f"{g.pick(('units', 'tons', 'modules', 'sets'))} of {self.tp(g, e)} {g.pick(('equipment', 'components', 'materials', 'products'))} "
                    f"to {e['o2']} through {g.ri(2025, 2032)}.")
        if k == 21:
            return (f"{self.person(g)}, a professor of {g.pick(('economics', 'engineering', 'business', 'public policy'))} at {g.pick(_EN_UNIV)}, "
                    f"said the {self.tp(g, e)} sector {g.pick(('still lacks', 'urgently needs', 'has finally found', 'is running out of'))} "
                    f"{g.pick(('skilled engineers', 'cheap power', 'patient capital', 'clear rules', 'export markets'))}.")
        if k == 22:
            return (f"{self.org(g, e)} cut its {g.ri(2024, 2026)} {g.pick(_EN_METRIC)} forecast to {self.money(g)} from {self.money(g)}, "
                    f"citing {g.pick(_EN_RISK)}.")
        if k == 23:
            return (f"Trading in {self.tp(g, e)}-related stocks on the {g.pick(('KOSPI', 'KOSDAQ'))} reached {self.money(g)} on "
                    f"{g.pick(_EN_WEEKDAY)}, the {g.pick(('highest', 'lowest', 'second-highest'))} since {g.pick(_EN_MONTH)}.")
        return (f"{e['o1']} {g.pick(('completed', 'bought', 'sold', 'started building', 'began operating'))} a {g.pick(_EN_OBJ)} in {g.pick(_EN_PLACES)} "
                f"in {g.pick(('January', 'March', 'May', 'July', 'September', 'November'))} last year, targeting {g.pick(_EN_METRIC)} of {self.money(g)}.")

    def background(self, g: _G, e: dict) -> str:
        return (f"{e['o1']} on {e['d1']} unveiled {e['proj']} with {e['o2']} in {e['l1']}, pledging {e['m1']} for {e['t1']}. "
                f"{e['p2']}, {e['p2t']} at the {e['gov']}, and {e['p1']}, {e['p1t']} of {e['o1']}, attended the event.")

    def title(self, g: _G, e: dict) -> str:
        x = g.r()
        if x < 0.35:
            return f"{e['o1']} to invest {e['m1']} in {e['t1']} {e['obj']} in {e['l1']}"
        if x < 0.6:
            return f"{e['o1']}, {e['o2']} team up on {e['t1']}"
        if x < 0.8:
            return f"{e['gov']} unveils {e['t1']} {g.pick(('support package', 'deregulation plan', 'review', 'measures'))}"
        return f"{e['t1'].capitalize()} {g.pick(('shake-up', 'investment race', 'demand rebound', 'glut'))} puts {e['o1']} in focus"

    def byline(self, g: _G, o: tuple) -> str:
        name = self.person(g)
        return f"By {name}" if g.chance(0.5) else f"{name} ({g.email_local()}@{o[1].split('.', 1)[1]})"

    def copyright(self, g: _G, o: tuple) -> str:
        return g.pick(("© {y} {s}. All rights reserved.", "Copyright {y} {s}. All rights reserved.", "(c) {y} {s}")).format(y=2024, s=o[0])

    def header(self, g: _G, o: tuple, dt: datetime) -> str:
        return f"{o[0]} | {g.pick(('Business', 'Economy', 'Markets', 'Industry', 'Tech'))} | Posted {dt:%b %d, %Y %H:%M}"

    def related(self, g: _G, e: dict) -> str:
        return f"Related articles: {self.title(g, self.event(g))}"

    def edit_words(self) -> tuple[str, ...]:
        return _w("sharply slightly strongly modestly notably quickly broadly steadily largely partly roughly mostly")


# ============================================================================ Japanese
_JA_KANA = _w("カ キ ク ケ コ サ シ ス セ ソ タ テ ト ナ ニ ノ ハ ヒ フ マ ミ ム メ モ ラ リ ル レ ロ ア イ エ オ ヤ ユ ヨ ワ ン ー "
              "ガ ギ グ ゲ ゴ ダ デ ド バ ビ ブ ベ ボ パ ピ プ ペ ポ")
_JA_KANJI = _w("東 西 南 北 新 旭 光 明 大 和 富 士 栄 昭 平 成 日 本 国 際 中 央 興 産 業 技 研 精 電 工 化 学 製 薬 商 事 "
               "海 陸 空 鉄 金 銀 銅 鋼 石 油 水 森 林 川 山 田 野 原 島 橋 村 松 竹 梅 桜 菱 井 住 友 安 田 古 河 三 井 協 和")
_JA_CO_REAL = _l("トヨタ自動車|ソニーグループ|日立製作所|パナソニック|東京エレクトロン|キヤノン|三菱商事|三井物産|伊藤忠商事|日本製鉄|"
                 "任天堂|ソフトバンクグループ|楽天グループ|ファーストリテイリング|武田薬品工業|信越化学工業|キーエンス|村田製作所|デンソー|"
                 "本田技研工業|日産自動車|三菱UFJ銀行|みずほ銀行|三井住友銀行|ルネサスエレクトロニクス|キオクシア|TDK|京セラ|住友化学|旭化成")
_JA_GOV = _l("経済産業省|財務省|日本銀行|金融庁|国土交通省|総務省|内閣府|厚生労働省|環境省|農林水産省|公正取引委員会|日本政策投資銀行|国際協力銀行")
_JA_CO_SUFFIX = _l("工業|電機|化学|製薬|ホールディングス|テクノロジーズ|精機|商事|物流|重工|電子|マテリアルズ|エナジー|システムズ|食品")
_JA_SUR = _w("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 "
             "阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本")
_JA_GIVEN = _w("翔太 大輔 健一 直樹 拓也 誠 浩 剛 隆 聡 美咲 陽子 恵 由美 真理子 裕子 和也 雄一 亮 智子 健太 達也 恭子 明美 修 "
               "勇気 優子 純一 哲也 里奈 彩 悠斗 蓮 結衣 陽菜 大樹 翼 舞 航 花子")
_JA_TITLE = _l("社長|副社長|専務|常務|最高財務責任者|事業本部長|部長|室長|会長|研究所長|大臣|副大臣|局長|課長|総裁|副総裁|長官")
_JA_PLACES = _l("東京都|大阪府|愛知県|福岡県|北海道|熊本県|広島県|宮城県|神奈川県|兵庫県|静岡県|茨城県|千葉県|埼玉県|三重県|岩手県|"
                "長崎県|新潟県|米テキサス州|米アリゾナ州|タイ|ベトナム|インドネシア|インド|メキシコ|ドイツ|ポーランド|韓国|台湾|シンガポール")
_JA_TOPICS = _l("半導体|電気自動車|蓄電池|水素|原子力|太陽光|洋上風力|人工知能|データセンター|ロボット|造船|海運|鉄鋼|石油化学|建設|"
                "住宅ローン|金利|為替|輸出|輸入|物価|賃金|設備投資|研究開発|サプライチェーン|重要鉱物|リチウム|ニッケル|レアアース|"
                "ディスプレー|スマートフォン|家電|食品|化粧品|観光|ゲーム|アニメ|フィンテック|暗号資産|保険|証券|社債|国債|新興企業|"
                "物流|電子商取引|通信|衛星|防衛|医薬品|医療機器|自動運転|量子コンピューター|送電網|脱炭素|半導体製造装置|素材|次世代電池")
_JA_METRIC = _l("売上高|営業利益|純利益|輸出額|出荷量|販売台数|生産量|シェア|稼働率|受注高|在庫|平均価格|設備投資額|研究開発費|従業員数")
_JA_OBJ = _l("工場|生産ライン|研究拠点|物流センター|データセンター|合弁会社|開発拠点|試験設備|販売子会社|量産ライン|リサイクル工場|実証施設")
_JA_UNIV = _l("東京大学|京都大学|一橋大学|慶應義塾大学|早稲田大学|大阪大学|東北大学|名古屋大学|九州大学|北海道大学")
_JA_COUNTRY = _l("米国|中国|韓国|台湾|ベトナム|インド|欧州連合（EU）|メキシコ|タイ|ドイツ")
_JA_END = _l("と発表した|と明らかにした|と説明した|と述べた|との見通しを示した|方針だ|計画だ|考えだ|としている")


class _Japanese(_LangBase):
    frames = 16
    frames_per_story = (4, 6)
    topics = _JA_TOPICS
    code = "ja"
    tz = timezone(timedelta(hours=9))
    outlets = (("北辰経済新聞", "www.hokushin-keizai.example", "article/DGX{n}"),
               ("青葉日報", "www.aoba-nippo.example", "news/{ymd}/{n}.html"),
               ("潮見ビジネス", "biz.shiomi.example", "articles/-/{n}"),
               ("東雲産業新聞", "www.shinonome-sangyo.example", "news/{ymd}{n}"))
    cont = "（続く）"

    def company(self, g: _G) -> str:
        x = g.r()
        if x < 0.4:
            return g.pick(_JA_CO_REAL)
        if x < 0.7:
            return g.word(_JA_KANA, 3, 5) + g.pick(_JA_CO_SUFFIX)
        return g.word(_JA_KANJI, 2, 3) + g.pick(_JA_CO_SUFFIX)

    def person(self, g: _G) -> str:
        return g.pick(_JA_SUR) + g.pick(_JA_GIVEN)

    def money(self, g: _G) -> str:
        x = g.r()
        if x < 0.5:
            return f"{g.ri(11, 9900)}億円"
        if x < 0.8:
            return f"{g.ri(1, 9)}兆{g.ri(1, 99) * 100}億円"
        return f"{g.ri(11, 980)}億ドル"

    def project(self, g: _G) -> str:
        return g.pick(("「{w}」計画", "「{w}」事業", "{w}プロジェクト", "「{w}{n}」", "第{k}期{w}計画")).format(
            w=g.word(_JA_KANA, 3, 5), n=g.ri(10, 990), k=g.ri(2, 9))

    def event(self, g: _G) -> dict:
        return {"o1": self.company(g), "o2": self.company(g), "gov": g.pick(_JA_GOV), "p1": self.person(g), "p1t": g.pick(_JA_TITLE),
                "p2": self.person(g), "p2t": g.pick(_JA_TITLE), "l1": g.pick(_JA_PLACES), "t1": g.pick(self.topics),
                "t2": g.pick(self.topics), "t3": g.pick(self.topics), "o3": self.company(g), "frames": self.story_frames(g), "obj": g.pick(_JA_OBJ), "proj": self.project(g), "m1": self.money(g), "d1": g.ri(1, 28),
                "fut": f"{g.ri(2025, 2032)}年", "act": "", "pct": g.pct()}

    fill_head = _JA_FILL_N

    def pseudo(self, g: _G) -> str:
        return g.word(_JA_KANJI, 2, 2) if g.r() < 0.5 else g.word(_JA_KANA, 3, 4)

    def filler(self, g: _G, e: dict) -> str:
        w = self.w
        return f"{w(g, e)}と{w(g, e)}の{w(g, e)}、{w(g, e)}{g.pick(_JA_FILL_V)}。"

    def sentence(self, g: _G, e: dict, k: int) -> str:
        t = e["t1"] if g.chance(0.5) else self.tp(g, e)
        if k == 0:
            return f"{self.org(g, e)}は{g.ri(1, 31)}日、{e['l1'] if g.chance(0.6) else g.pick(_JA_PLACES)}に{t}向けの新{g.pick(_JA_OBJ)}を建設する{g.pick(_JA_END)}。"
        if k == 1:
            return f"投資額は約{self.money(g) if g.chance(0.5) else e['m1']}で、{g.ri(2025, 2032)}年{g.ri(1, 12)}月の稼働を目指す。"
        if k == 2:
            who = e["p1"] if g.chance(0.5) else self.person(g)
            return f"{self.org(g, e)}の{who}{g.pick(_JA_TITLE)}は「{t}の需要は{g.pick(('想定以上に伸びている', '底を打った', '当面は横ばいが続く', '年後半に回復する'))}。{g.pick(('計画通りに進めたい', '競争力を高めていく', '慎重に見極める', '顧客との関係を強化する'))}」と述べた。"
        if k == 3:
            return f"{g.pick(_JA_GOV)}によると、{g.pick(('1～3月期', '4～6月期', '上期', '前年度', '5月'))}の{t}の{g.pick(_JA_METRIC)}は前年同期比{g.pct()}％{g.pick(('増', '減'))}の{self.money(g)}だった。"
        if k == 4:
            return f"{self.org(g, e)}の株価は前日比{g.pct(0.1, 15)}％{g.pick(('高', '安'))}の{g.ri(300, 19000):,}円で取引を終えた。"
        if k == 5:
            return f"{self.org(g, e)}は{g.ri(2025, 2032)}年までに{self.money(g)}を投じ、{e['proj'] if g.chance(0.5) else self.project(g)}を{g.pick(('本格化する', '拡大する', '完成させる', '立ち上げる'))}計画だ。"
        if k == 6:
            return f"業界では{self.tp(g, e)}の{g.pick(('供給過剰', '需要減速', '規制強化', '人手不足', '円安', '電力不足', '価格競争'))}が{g.pick(('業績回復を遅らせる', '投資意欲を冷やす', '収益を圧迫する', '計画の遅れにつながる'))}との懸念も出ている。"
        if k == 7:
            return f"{self.person(g)}{g.pick(('証券', '総合研究所', '経済研究所'))}アナリストは、{self.org(g, e)}の{g.pick(_JA_METRIC)}が{g.ri(2025, 2030)}年度に{self.money(g)}に達すると予想する。"
        if k == 8:
            return f"{e['gov'] if g.chance(0.5) else g.pick(_JA_GOV)}は{g.ri(1, 31)}日に{t}業界と会合を開き、{g.pick(('支援策', '規制緩和', '税制優遇', '人材育成', '送電網整備'))}について協議する。"
        if k == 10:
            return (f"{self.org(g, e)}は{g.ri(2025, 2032)}年度までに{t}の{g.pick(('生産能力', '売上高', '顧客数', '輸出量'))}を"
                    f"現在の{g.ri(2, 4)}倍に引き上げる目標を掲げる。")
        if k == 11:
            return (f"{g.pick(_JA_UNIV)}の{self.person(g)}教授は「{t}分野では"
                    f"{g.pick(('技術者が足りない', '電力コストが重い', '規制の見直しが急務だ', '長期的な資金が必要だ'))}」と指摘する。")
        if k == 12:
            return (f"財務省の貿易統計によると、{g.ri(1, 12)}月の{g.pick(_JA_COUNTRY)}向け{t}輸出は前年同月比{g.pct()}％"
                    f"{g.pick(('増', '減'))}となった。")
        if k == 13:
            return (f"{self.org(g, e)}は{g.ri(1, 12)}月{g.ri(1, 28)}日に{g.pick(('株主総会', '取締役会', '投資家説明会', '新製品発表会'))}を開き、"
                    f"{e['proj']}について{g.pick(('決議する', '報告する', '公表する', '議論する'))}予定だ。")
        if k == 14:
            return (f"契約に基づき、{self.org(g, e)}は{g.ri(2025, 2032)}年までに{e['o2']}へ{t}向け"
                    f"{g.pick(('部品', '素材', '装置', 'モジュール'))}を{g.ri(2, 980)}{g.pick(('万個', 'トン', '台', 'セット'))}供給する。")
        if k == 15:
            return (f"{self.org(g, e)}は今期の{g.pick(_JA_METRIC)}予想を{self.money(g)}から{self.money(g)}に"
                    f"{g.pick(('引き下げた', '引き上げた', '下方修正した', '上方修正した'))}。")
        return f"{self.company(g)}と{self.company(g)}は{self.tp(g, e)}市場で{g.pick(('激しい競争を繰り広げている', '提携を広げている', '値下げ競争に入った', 'シェアの差を縮めている'))}。"

    def background(self, g: _G, e: dict) -> str:
        return (f"{e['o1']}は{e['d1']}日、{e['l1']}で{e['o2']}と共同で{e['t1']}関連の{e['proj']}を発表し、{e['m1']}を投じると表明した。"
                f"発表には{e['gov']}の{e['p2']}{e['p2t']}と{e['o1']}の{e['p1']}{e['p1t']}が出席した。")

    def title(self, g: _G, e: dict) -> str:
        return g.pick(("{o1}、{l1}に{t1}{obj}　{m1}投資", "{o1}と{o2}、{t1}で提携", "{gov}、{t1}支援策を発表", "{t1}市場の再編、{o1}の動きに注目")).format(**e)

    def byline(self, g: _G, o: tuple) -> str:
        return f"（{self.person(g)}記者）{g.email_local()}@{o[1].split('.', 1)[1]}"

    def copyright(self, g: _G, o: tuple) -> str:
        return f"© {o[0]} 無断転載禁止"

    def header(self, g: _G, o: tuple, dt: datetime) -> str:
        return f"{o[0]} | {dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M}"

    def related(self, g: _G, e: dict) -> str:
        return f"Related: {self.title(g, self.event(g))}"

    def edit_words(self) -> tuple[str, ...]:
        return _JA_TOPICS


# ============================================================================ Chinese
_ZH_HAN = _w("华 东 南 北 中 新 天 海 金 银 宏 泰 盛 鑫 源 达 信 诚 博 远 恒 瑞 祥 丰 汇 通 联 创 科 智 云 星 辰 光 明 永 安 "
             "康 健 福 德 嘉 合 和 兴 隆 昌 荣 美 嘉 润 佳 峰 龙 凤 鹏 飞 腾 骏 翔 卓 越 锐 芯 易 迅")
_ZH_CO_REAL = _l("华为|比亚迪|宁德时代|腾讯|阿里巴巴|小米集团|中芯国际|京东方|中国石化|中国移动|工商银行|建设银行|招商银行|美的集团|"
                 "格力电器|海尔智家|吉利汽车|蔚来|理想汽车|联想集团|百度|京东|拼多多|中远海运|宝武钢铁|长江存储|隆基绿能|通威股份")
_ZH_GOV = _l("商务部|国家发展改革委|工业和信息化部|中国人民银行|国家统计局|海关总署|财政部|中国证监会|国家金融监督管理总局|国务院国资委|生态环境部")
_ZH_CO_SUFFIX = _l("科技|电子|新能源|生物|材料|集团|股份|智能|医药|物流|半导体|汽车|化工|控股|能源")
_ZH_SUR = _w("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡")
_ZH_GIVEN = _w("伟 芳 娜 敏 静 强 磊 军 洋 勇 艳 杰 涛 明 超 秀 英 华 平 刚 桂 建 国 志 文 晓 丽 鹏 宇 辉 斌 海 波 婷 玲 雪 飞 鑫 浩 然 欣 怡 俊 凯")
_ZH_TITLE = _l("董事长|总裁|副总裁|首席执行官|首席财务官|总经理|副总经理|研究院院长|部长|副部长|司长|处长|行长|副行长|首席经济学家|分析师")
_ZH_PLACES = _l("上海|深圳|广州|北京|天津|苏州|杭州|成都|重庆|武汉|西安|合肥|南京|青岛|厦门|宁波|郑州|长沙|无锡|常州|东莞|佛山|"
                "福州|济南|沈阳|大连|昆明|南宁|贵阳|海口|越南|印尼|匈牙利|墨西哥|泰国|马来西亚|德国|巴西")
_ZH_TOPICS = _l("半导体|芯片|新能源汽车|动力电池|储能|氢能|核电|光伏|风电|人工智能|数据中心|云计算|机器人|航空|造船|航运|钢铁|石化|"
                "房地产|住房贷款|利率|汇率|出口|进口|消费|物价|就业|工资|固定资产投资|研发|供应链|关键矿产|锂|镍|稀土|显示面板|智能手机|"
                "家电|食品|化妆品|旅游|游戏|短视频|电商|金融科技|数字货币|保险|证券|债券|国债|创业公司|风险投资|并购|物流|卫星|无人机|"
                "医药|医疗器械|自动驾驶|量子计算|电网|碳中和|电池回收|半导体设备|晶圆代工|智能制造|低空经济|液化天然气|固态电池")
_ZH_METRIC = _l("营业收入|营业利润|净利润|出口额|出货量|销量|产量|市场份额|开工率|成交额|市值|新订单|库存|平均售价|资本开支|研发投入|员工人数")
_ZH_UNIV = _l("清华大学|北京大学|复旦大学|上海交通大学|浙江大学|南京大学|中国人民大学|武汉大学|中山大学|厦门大学")
_ZH_COUNTRY = _l("美国|欧盟|日本|韩国|东盟|越南|印度|墨西哥|俄罗斯|巴西")
_ZH_OBJ = _l("工厂|生产线|研发中心|物流中心|数据中心|合资公司|生产基地|测试设施|销售子公司|量产线|回收工厂|示范项目|产业园")


class _Chinese(_LangBase):
    frames = 16
    frames_per_story = (4, 6)
    topics = _ZH_TOPICS
    code = "zh"
    tz = timezone(timedelta(hours=8))
    outlets = (("华东财经报", "www.huadong-caijing.example", "news/{ymd}/{n}.html"),
               ("南岭商报", "www.nanling-shangbao.example", "article/{n}"),
               ("东方经济周刊", "www.dongfang-jingji.example", "a/{ymd}{n}"),
               ("江城金融时报", "www.jiangcheng-ft.example", "html/{ymd}/{n}.htm"))
    cont = "（未完）"

    def company(self, g: _G) -> str:
        return g.pick(_ZH_CO_REAL) if g.chance(0.4) else g.word(_ZH_HAN, 2, 2) + g.pick(_ZH_CO_SUFFIX)

    def person(self, g: _G) -> str:
        return g.pick(_ZH_SUR) + g.word(_ZH_GIVEN, 1, 2)

    def money(self, g: _G) -> str:
        x = g.r()
        if x < 0.6:
            return f"{g.ri(2, 9900)}亿元"
        if x < 0.85:
            return f"{g.ri(11, 980)}亿美元"
        return f"{g.ri(100, 9900)}万元"

    def project(self, g: _G) -> str:
        return g.pick(("“{w}”项目", "{w}计划", "“{w}{n}”平台", "第{k}期{w}工程")).format(w=g.word(_ZH_HAN, 2, 3), n=g.ri(10, 990), k=g.ri(2, 9))

    def event(self, g: _G) -> dict:
        return {"o1": self.company(g), "o2": self.company(g), "gov": g.pick(_ZH_GOV), "p1": self.person(g), "p1t": g.pick(_ZH_TITLE),
                "p2": self.person(g), "p2t": g.pick(_ZH_TITLE), "l1": g.pick(_ZH_PLACES), "t1": g.pick(self.topics),
                "t2": g.pick(self.topics), "t3": g.pick(self.topics), "o3": self.company(g), "frames": self.story_frames(g), "obj": g.pick(_ZH_OBJ), "proj": self.project(g), "m1": self.money(g), "d1": g.ri(1, 28),
                "fut": f"{g.ri(2025, 2032)}年", "act": "", "pct": g.pct()}

    fill_head = _ZH_FILL_N

    def pseudo(self, g: _G) -> str:
        return g.word(_ZH_HAN, 2, 3)

    def filler(self, g: _G, e: dict) -> str:
        w = self.w
        return f"{w(g, e)}{w(g, e)}方面，{w(g, e)}与{w(g, e)}{g.pick(_ZH_FILL_V)}。"

    def sentence(self, g: _G, e: dict, k: int) -> str:
        t = e["t1"] if g.chance(0.5) else self.tp(g, e)
        if k == 0:
            return f"{self.org(g, e)}{g.ri(1, 31)}日宣布，将在{e['l1'] if g.chance(0.6) else g.pick(_ZH_PLACES)}投资{self.money(g) if g.chance(0.5) else e['m1']}建设{t}{g.pick(_ZH_OBJ)}。"
        if k == 1:
            return f"该项目预计于{g.ri(2025, 2032)}年{g.ri(1, 12)}月投产，达产后年产值约{self.money(g)}。"
        if k == 2:
            who = e["p1"] if g.chance(0.5) else self.person(g)
            return f"{self.org(g, e)}{g.pick(_ZH_TITLE)}{who}表示：“{t}需求{g.pick(('增长快于预期', '已经触底', '短期内仍将承压', '下半年有望回暖'))}，公司将{g.pick(('按计划推进', '持续加大投入', '审慎评估', '深化与客户合作'))}。”"
        if k == 3:
            return f"据{g.pick(_ZH_GOV)}数据，{g.pick(('一季度', '二季度', '上半年', '前5个月', '去年'))}{t}{g.pick(_ZH_METRIC)}同比{g.pick(('增长', '下降'))}{g.pct()}%，达到{self.money(g)}。"
        if k == 4:
            return f"{self.org(g, e)}股价当日{g.pick(('上涨', '下跌'))}{g.pct(0.1, 10)}%，收于每股{g.ri(3, 480)}.{g.ri(10, 99)}元。"
        if k == 5:
            return f"{self.org(g, e)}计划到{g.ri(2025, 2032)}年累计投入{self.money(g)}，{g.pick(('全面推进', '加快建设', '扩大', '启动'))}{e['proj'] if g.chance(0.5) else self.project(g)}。"
        if k == 6:
            return f"业内人士担心，{self.tp(g, e)}领域的{g.pick(('产能过剩', '需求放缓', '监管收紧', '人才短缺', '价格战', '贸易摩擦'))}可能{g.pick(('拖累业绩复苏', '打击投资信心', '压缩利润空间', '导致项目延期'))}。"
        if k == 7:
            return f"{g.pick(('中信证券', '中金公司', '华泰证券', '国泰君安', '海通证券', '招商证券'))}分析师{self.person(g)}预计，{self.org(g, e)}{g.ri(2025, 2030)}年{g.pick(_ZH_METRIC)}将达到{self.money(g)}。"
        if k == 8:
            return f"{e['gov'] if g.chance(0.5) else g.pick(_ZH_GOV)}将于{g.ri(1, 31)}日召开{t}行业座谈会，研究{g.pick(('支持政策', '监管优化', '税收优惠', '人才培养', '电网建设'))}等问题。"
        if k == 10:
            return (f"{self.org(g, e)}提出，到{g.ri(2025, 2032)}年将{t}{g.pick(('产能', '营收', '客户数量', '出口量'))}"
                    f"提升至目前的{g.ri(2, 4)}倍。")
        if k == 11:
            return (f"{g.pick(_ZH_UNIV)}{g.pick(('经济学院', '管理学院', '电子工程系', '公共政策研究院'))}教授{self.person(g)}指出，{t}行业"
                    f"{g.pick(('仍缺乏高端人才', '面临较高的电力成本', '亟需完善监管', '需要长期资本支持'))}。")
        if k == 12:
            return f"海关数据显示，{g.ri(1, 12)}月我国对{g.pick(_ZH_COUNTRY)}出口{t}产品同比{g.pick(('增长', '下降'))}{g.pct()}%。"
        if k == 13:
            return (f"{self.org(g, e)}将于{g.ri(1, 12)}月{g.ri(1, 28)}日召开{g.pick(('股东大会', '董事会', '投资者交流会', '新品发布会'))}，"
                    f"{g.pick(('审议', '通报', '发布', '讨论'))}{e['proj']}相关事项。")
        if k == 14:
            return (f"根据协议，{self.org(g, e)}将在{g.ri(2025, 2032)}年前向{e['o2']}供应{g.ri(2, 980)}{g.pick(('万件', '吨', '台', '套'))}"
                    f"{t}{g.pick(('零部件', '材料', '设备', '模组'))}。")
        if k == 15:
            return f"{self.org(g, e)}将全年{g.pick(_ZH_METRIC)}预期由{self.money(g)}{g.pick(('下调至', '上调至'))}{self.money(g)}。"
        return f"{self.company(g)}与{self.company(g)}在{self.tp(g, e)}市场{g.pick(('竞争激烈', '合作不断深化', '展开价格战', '份额差距缩小'))}。"

    def background(self, g: _G, e: dict) -> str:
        return (f"此前，{e['o1']}于{e['d1']}日在{e['l1']}与{e['o2']}联合发布{e['t1']}相关的{e['proj']}，并表示将投入{e['m1']}。"
                f"{e['gov']}{e['p2t']}{e['p2']}和{e['o1']}{e['p1t']}{e['p1']}出席了发布会。")

    def title(self, g: _G, e: dict) -> str:
        return g.pick(("{o1}拟在{l1}投资{m1}建设{t1}{obj}", "{o1}携手{o2}布局{t1}", "{gov}出台{t1}支持措施", "{t1}市场格局生变 {o1}动向受关注")).format(**e)

    def byline(self, g: _G, o: tuple) -> str:
        return f"（记者 {self.person(g)}）{g.email_local()}@{o[1].split('.', 1)[1]}"

    def copyright(self, g: _G, o: tuple) -> str:
        return f"版权所有 © {o[0]}"

    def header(self, g: _G, o: tuple, dt: datetime) -> str:
        return f"{o[0]} | {dt.year}年{dt.month}月{dt.day}日 {dt:%H:%M}"

    def related(self, g: _G, e: dict) -> str:
        return f"Related: {self.title(g, self.event(g))}"

    def edit_words(self) -> tuple[str, ...]:
        return _ZH_TOPICS


# ============================================================================ Vietnamese
_VI_SYL = _w("vân khánh lâm tùng uyên yến xuân thu đông hạ cúc đào liên sen trúc mộc thủy hỏa thổ kiên trí nhân "
             "lễ nghĩa tín dũng hiền lương thiện mỹ duyên nhiên trinh vinh quý hiển đạt "
             "an bình cường đức gia hà hải hưng khang long minh nam phát phúc quang sơn tân thành thịnh tiến trung việt hòa "
             "lộc tài nguyên sao mai hồng thái bảo kim ngọc hoàng đại dương phú")
_VI_CO_REAL = _l("Vingroup|VinFast|Viettel|FPT|Vinamilk|Masan|Hòa Phát|Petrovietnam|EVN|Vietcombank|BIDV|Techcombank|VPBank|MB Bank|"
                 "Sabeco|Vietjet Air|Vietnam Airlines|Thế Giới Di Động|Samsung Việt Nam|LG Display Việt Nam|Novaland|Vinhomes|PV Gas")
_VI_GOV = _l("Bộ Công Thương|Bộ Tài chính|Ngân hàng Nhà nước|Bộ Kế hoạch và Đầu tư|Tổng cục Thống kê|Bộ Xây dựng|Ủy ban Chứng khoán Nhà nước|"
             "Tổng cục Hải quan|Bộ Tài nguyên và Môi trường|Bộ Giao thông Vận tải")
_VI_CO_SUFFIX = _l("Công nghệ|Năng lượng|Xây dựng|Thực phẩm|Logistics|Điện tử|Dược phẩm|Thép|Bất động sản|Vật liệu|Đầu tư|Ô tô")
_VI_SUR = _w("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
_VI_MID = _w("Văn Thị Minh Hữu Đức Thanh Quốc Ngọc Xuân Hoài")
_VI_GIVEN = _w("An Bình Cường Dũng Hà Hải Hùng Lan Linh Long Mai Nam Ngọc Phong Quân Sơn Thảo Trang Tuấn Việt Hương Khoa Phúc Tâm Hiếu")
_VI_TITLE = _l("Tổng giám đốc|Chủ tịch HĐQT|Phó tổng giám đốc|Giám đốc tài chính|Bộ trưởng|Thứ trưởng|Vụ trưởng|Thống đốc|Phó thống đốc|chuyên gia phân tích")
_VI_PLACES = _l("Hà Nội|TP.HCM|Hải Phòng|Đà Nẵng|Bắc Ninh|Bình Dương|Đồng Nai|Quảng Ninh|Thái Nguyên|Long An|Cần Thơ|Hà Tĩnh|Bắc Giang|"
                "Vĩnh Phúc|Khánh Hòa|Bà Rịa - Vũng Tàu|Nghệ An|Thanh Hóa|Hải Dương|Quảng Nam")
_VI_TOPICS = _l("bán dẫn|xe điện|pin lưu trữ|hydro|điện hạt nhân|điện mặt trời|điện gió ngoài khơi|trí tuệ nhân tạo|trung tâm dữ liệu|"
                "điện toán đám mây|robot|hàng không|đóng tàu|vận tải biển|thép|hóa dầu|xây dựng|bất động sản|tín dụng|lãi suất|tỷ giá|"
                "xuất khẩu|nhập khẩu|lạm phát|việc làm|tiền lương|đầu tư công|chuỗi cung ứng|khoáng sản|đất hiếm|điện thoại thông minh|"
                "điện máy|thực phẩm|mỹ phẩm|du lịch|trò chơi điện tử|thương mại điện tử|fintech|bảo hiểm|chứng khoán|trái phiếu doanh nghiệp|"
                "khởi nghiệp|mua bán sáp nhập|logistics|viễn thông|vệ tinh|dược phẩm|thiết bị y tế|lưới điện|trung hòa carbon|nông sản|thủy sản")
_VI_METRIC = _l("doanh thu|lợi nhuận trước thuế|lợi nhuận sau thuế|kim ngạch xuất khẩu|sản lượng|thị phần|công suất|giá trị giao dịch|vốn hóa|đơn hàng mới|tồn kho")
_VI_UNIV = _l("Đại học Kinh tế Quốc dân|Đại học Bách khoa Hà Nội|Đại học Quốc gia TP.HCM|Đại học Ngoại thương|Đại học Kinh tế TP.HCM|"
              "Học viện Tài chính|Đại học Fulbright Việt Nam")
_VI_COUNTRY = _l("Mỹ|Trung Quốc|Nhật Bản|Hàn Quốc|EU|Ấn Độ|Thái Lan|Úc|Canada")
_VI_OBJ = _l("nhà máy|dây chuyền sản xuất|trung tâm nghiên cứu|trung tâm logistics|trung tâm dữ liệu|liên doanh|cơ sở sản xuất|khu công nghiệp|dự án điện")


class _Vietnamese(_LangBase):
    frames = 16
    frames_per_story = (4, 6)
    topics = _VI_TOPICS
    code = "vi"
    tz = timezone(timedelta(hours=7))
    outlets = (("Báo Kinh tế Sông Hồng", "kinhtesonghong.example", "{slug}-{n}.html"),
               ("Thời báo Đầu tư Phương Nam", "dautuphuongnam.example", "tin-tuc/{n}"),
               ("Tin Nhanh Thị Trường", "tinnhanhthitruong.example", "kinh-doanh/{slug}-{n}.htm"),
               ("Nhịp Sống Doanh Nghiệp", "nhipsongdn.example", "bai-viet/{ymd}{n}"))
    cont = "(còn nữa)"

    def company(self, g: _G) -> str:
        return g.pick(_VI_CO_REAL) if g.chance(0.4) else f"{g.pick(_VI_CO_SUFFIX)} {g.word(_VI_SYL, 2, 2, ' ').title()}"

    def person(self, g: _G) -> str:
        return f"{g.pick(_VI_SUR)} {g.pick(_VI_MID)} {g.pick(_VI_GIVEN)}"

    def money(self, g: _G) -> str:
        x = g.r()
        if x < 0.5:
            return f"{g.ri(11, 9900):,} tỷ đồng".replace(",", ".")
        if x < 0.85:
            return f"{g.ri(11, 980)} triệu USD"
        return f"{g.ri(11, 99) / 10:.1f} tỷ USD".replace(".", ",")

    def project(self, g: _G) -> str:
        return g.pick(("dự án {w}", "chương trình {w}", "nền tảng {w} {n}", "giai đoạn {k} của dự án {w}")).format(
            w=g.word(_VI_SYL, 2, 3, " ").title(), n=g.ri(10, 990), k=g.ri(2, 9))

    def event(self, g: _G) -> dict:
        return {"o1": self.company(g), "o2": self.company(g), "gov": g.pick(_VI_GOV), "p1": self.person(g), "p1t": g.pick(_VI_TITLE),
                "p2": self.person(g), "p2t": g.pick(_VI_TITLE), "l1": g.pick(_VI_PLACES), "t1": g.pick(self.topics),
                "t2": g.pick(self.topics), "t3": g.pick(self.topics), "o3": self.company(g), "frames": self.story_frames(g), "obj": g.pick(_VI_OBJ), "proj": self.project(g), "m1": self.money(g), "d1": g.ri(1, 28),
                "fut": f"năm {g.ri(2025, 2032)}", "act": "", "pct": g.pct()}

    fill_head = _VI_FILL_N

    def pseudo(self, g: _G) -> str:
        return g.word(_VI_SYL, 2, 2, " ")

    def filler(self, g: _G, e: dict) -> str:
        w = self.w
        return f"{g.pick(_VI_FILL_LEAD)} {w(g, e)} và {w(g, e)} {g.pick(_VI_FILL_V)} {w(g, e)} và {w(g, e)}."

    def sentence(self, g: _G, e: dict, k: int) -> str:
        t = e["t1"] if g.chance(0.5) else self.tp(g, e)
        if k == 0:
            return f"Ngày {g.ri(1, 31)}/{g.ri(1, 12)}, {self.org(g, e)} cho biết sẽ đầu tư {self.money(g) if g.chance(0.5) else e['m1']} xây dựng {g.pick(_VI_OBJ)} {t} tại {e['l1'] if g.chance(0.6) else g.pick(_VI_PLACES)}."
        if k == 1:
            return f"Dự kiến {g.pick(_VI_OBJ)} sẽ đi vào hoạt động từ quý {g.ri(1, 4)}/{g.ri(2025, 2032)}, với công suất thiết kế {g.ri(2, 900) * 1000:,} tấn mỗi năm.".replace(",", ".")
        if k == 2:
            who = e["p1"] if g.chance(0.5) else self.person(g)
            return f"Ông {who}, {g.pick(_VI_TITLE)} {self.org(g, e)}, nhận định: \"Nhu cầu {t} {g.pick(('tăng nhanh hơn dự kiến', 'đã chạm đáy', 'sẽ còn khó khăn trong ngắn hạn', 'có thể phục hồi vào nửa cuối năm'))}, doanh nghiệp sẽ {g.pick(('triển khai đúng tiến độ', 'tiếp tục tăng đầu tư', 'thận trọng đánh giá', 'mở rộng hợp tác với khách hàng'))}\"."
        if k == 3:
            return f"Theo {g.pick(_VI_GOV)}, {g.pick(_VI_METRIC)} ngành {t} {g.pick(('quý I', 'quý II', '6 tháng đầu năm', '5 tháng', 'năm ngoái'))} {g.pick(('tăng', 'giảm'))} {g.pct()}% so với cùng kỳ, đạt {self.money(g)}."
        if k == 4:
            return f"Trên sàn HOSE, cổ phiếu {self.org(g, e)} {g.pick(('tăng', 'giảm'))} {g.pct(0.1, 7)}% lên {g.ri(10, 190)}.{g.ri(1, 9)}00 đồng."
        if k == 5:
            return f"{self.org(g, e)} đặt mục tiêu đến năm {g.ri(2025, 2032)} rót {self.money(g)} để {g.pick(('hoàn thành', 'mở rộng', 'khởi động', 'đẩy nhanh'))} {e['proj'] if g.chance(0.5) else self.project(g)}."
        if k == 6:
            return f"Một số chuyên gia lo ngại {g.pick(('dư cung', 'nhu cầu suy yếu', 'quy định siết chặt', 'thiếu lao động', 'cạnh tranh giá', 'biến động tỷ giá'))} trong lĩnh vực {self.tp(g, e)} có thể {g.pick(('làm chậm đà phục hồi', 'ảnh hưởng tâm lý nhà đầu tư', 'thu hẹp biên lợi nhuận', 'khiến dự án chậm tiến độ'))}."
        if k == 7:
            return f"Chuyên gia {self.person(g)} của {g.pick(('SSI', 'VNDirect', 'Vietcap', 'HSC', 'MBS', 'KB Việt Nam'))} dự báo {g.pick(_VI_METRIC)} của {self.org(g, e)} năm {g.ri(2025, 2030)} có thể đạt {self.money(g)}."
        if k == 8:
            return f"{e['gov'] if g.chance(0.5) else g.pick(_VI_GOV)} sẽ họp với các doanh nghiệp {t} vào ngày {g.ri(1, 31)} để bàn về {g.pick(('chính sách hỗ trợ', 'tháo gỡ thủ tục', 'ưu đãi thuế', 'đào tạo nhân lực', 'hạ tầng lưới điện'))}."
        if k == 10:
            return (f"{self.org(g, e)} đặt mục tiêu nâng {g.pick(('công suất', 'doanh thu', 'số lượng khách hàng', 'sản lượng xuất khẩu'))} "
                    f"{t} lên gấp {g.ri(2, 4)} lần hiện nay vào năm {g.ri(2025, 2032)}.")
        if k == 11:
            return (f"PGS.TS {self.person(g)}, giảng viên {g.pick(_VI_UNIV)}, cho rằng ngành {t} "
                    f"{g.pick(('vẫn thiếu kỹ sư có tay nghề', 'chịu chi phí điện cao', 'cần khung pháp lý rõ ràng', 'cần nguồn vốn dài hạn'))}.")
        if k == 12:
            return (f"Số liệu của Tổng cục Hải quan cho thấy xuất khẩu {t} sang {g.pick(_VI_COUNTRY)} trong tháng {g.ri(1, 12)} "
                    f"{g.pick(('tăng', 'giảm'))} {g.pct()}% so với cùng kỳ.")
        if k == 13:
            return (f"{self.org(g, e)} sẽ tổ chức {g.pick(('đại hội đồng cổ đông', 'họp hội đồng quản trị', 'hội nghị nhà đầu tư', 'lễ ra mắt sản phẩm'))} "
                    f"vào ngày {g.ri(1, 28)}/{g.ri(1, 12)} để {g.pick(('thông qua', 'báo cáo', 'công bố', 'thảo luận'))} {e['proj']}.")
        if k == 14:
            return (f"Theo hợp đồng, {self.org(g, e)} sẽ cung cấp {g.ri(2, 980)} {g.pick(('nghìn sản phẩm', 'tấn', 'thiết bị', 'bộ'))} "
                    f"{g.pick(('linh kiện', 'vật liệu', 'thiết bị', 'mô-đun'))} {t} cho {e['o2']} đến năm {g.ri(2025, 2032)}.")
        if k == 15:
            return f"{self.org(g, e)} điều chỉnh kế hoạch {g.pick(_VI_METRIC)} năm nay từ {self.money(g)} {g.pick(('xuống', 'lên'))} {self.money(g)}."
        return f"{self.company(g)} và {self.company(g)} đang {g.pick(('cạnh tranh quyết liệt', 'mở rộng hợp tác', 'bước vào cuộc đua giảm giá', 'thu hẹp khoảng cách thị phần'))} trên thị trường {self.tp(g, e)}."

    def background(self, g: _G, e: dict) -> str:
        return (f"Trước đó, ngày {e['d1']}, {e['o1']} cùng {e['o2']} đã công bố {e['proj']} trong lĩnh vực {e['t1']} tại {e['l1']} với tổng vốn "
                f"{e['m1']}. Sự kiện có sự tham dự của {e['p2t']} {e['gov']} {e['p2']} và {e['p1t']} {e['o1']} {e['p1']}.")

    def title(self, g: _G, e: dict) -> str:
        return g.pick(("{o1} rót {m1} xây {obj} {t1} tại {l1}", "{o1} bắt tay {o2} phát triển {t1}", "{gov} công bố gói hỗ trợ {t1}",
                       "Thị trường {t1} tái định hình, {o1} gây chú ý")).format(**e)

    def byline(self, g: _G, o: tuple) -> str:
        return f"{self.person(g)} - {g.email_local()}@{o[1]}"

    def copyright(self, g: _G, o: tuple) -> str:
        return f"Bản quyền thuộc về {o[0]}. Cấm sao chép dưới mọi hình thức."

    def header(self, g: _G, o: tuple, dt: datetime) -> str:
        return f"{o[0]} | {dt:%d/%m/%Y %H:%M}"

    def related(self, g: _G, e: dict) -> str:
        return f"Related: {self.title(g, self.event(g))}"

    def edit_words(self) -> tuple[str, ...]:
        return _VI_TOPICS


_SLOT_KEYS = ("o1", "o2", "o3", "gov", "p1", "p1t", "p2", "p2t", "l1", "t1", "t2", "t3", "obj", "proj", "m1", "d1",
              "fut", "act", "pct") + _LEX
VOCAB_SIZE = 12_000        # rare words per language (the tail of the vocabulary)
_LANGS = {"ko": _Korean(), "en": _English(), "ja": _Japanese(), "zh": _Chinese(), "vi": _Vietnamese()}


# ============================================================================ stories and variants
_SLUG_RX = re.compile(r"[^a-z0-9]+")


def _slug(title: str, g: _G) -> str:
    s = _SLUG_RX.sub("-", title.lower())[:60].strip("-")
    return s or g.latin(2, 3).lower()


def _url(g: _G, outlet: tuple, title: str, dt: datetime, serial: int) -> str:
    n = f"{g.ri(1, 9)}{serial:07d}"
    pattern = outlet[2]
    slug = _slug(title, g) if "{slug}" in pattern else ""
    ymd = f"{dt.year}{dt.month:02d}{dt.day:02d}" if "{ymd}" in pattern else ""
    return f"https://{outlet[1]}/" + pattern.format(n=n, ymd=ymd, slug=slug)


def _body(g: _G, say, shared: str | None) -> list[str]:
    """5-12 paragraphs of 1-4 sentences, 800-3000 characters in all (``say()`` gives a sentence)."""
    r = g.r
    k = g.ri(5, 12)
    target = int(MIN_CHARS + (MAX_CHARS - MIN_CHARS) * (r() + r()) / 2)  # triangular, peak ~1900
    per_par = max(60, target // k)
    paragraphs = []
    total = -1  # = len("\n".join(paragraphs))
    for _ in range(k):
        p = say()
        for _ in range(40):  # add pieces (one or two sentences each, ~60-200 characters) while well short
            if len(p) >= per_par - 60:
                break
            p += " " + say()
        paragraphs.append(p)
        total += len(p) + 1
    if shared is not None:  # same-event pair: the shared background paragraph, at position 2-4
        paragraphs.insert(min(len(paragraphs), g.ri(2, 4)), shared)
        total += len(shared) + 1
    for _ in range(100):  # rare: short sentences; pad the last paragraph
        if total >= MIN_CHARS:
            break
        s = say()
        paragraphs[-1] += " " + s
        total += len(s) + 1
    while total > MAX_CHARS and len(paragraphs) > 5:
        total -= len(paragraphs.pop()) + 1
    for _ in range(100):  # trim the longest paragraph at a space
        if total <= MAX_CHARS:
            break
        i = max(range(len(paragraphs)), key=lambda j: len(paragraphs[j]))
        cut = paragraphs[i].rfind(" ", 0, len(paragraphs[i]) - (total - MAX_CHARS))
        if cut < 40:
            break
        total -= len(paragraphs[i]) - cut
        paragraphs[i] = paragraphs[i][:cut]
    return paragraphs


def _light_edit(g: _G, lang, e: dict, say, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    words = lang.edit_words()
    for _ in range(g.ri(3, 5)):
        i = int(g.r() * len(out))
        toks = out[i].split(" ") if lang.code not in ("ja", "zh") else []
        if len(toks) >= 4:  # swap one word (space-separated languages) ...
            j = g.ri(1, len(toks) - 2)
            toks[j] = g.pick(words)
            out[i] = " ".join(toks)
        else:  # ... or, for ja/zh, change a number or replace a topic word
            p = out[i]
            digits = [m for m in range(len(p)) if p[m].isdigit()]
            if digits:
                m = g.pick(digits)
                out[i] = p[:m] + str((int(p[m]) + g.ri(1, 8)) % 10) + p[m + 1:]
            else:
                out[i] = p.replace(e["t1"], g.pick(words), 1)
    s = say()
    if g.chance(0.5):
        out.append(s)
    else:
        i = int(g.r() * len(out))
        out[i] = out[i] + " " + s
    return out


def _boilerplate(g: _G, lang, e: dict, outlet: tuple, dt: datetime, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    if g.chance(0.6):
        out.insert(0, lang.header(g, outlet, dt))
    if g.chance(0.3):
        out.append(lang.related(g, e))
    out.append(lang.byline(g, outlet))
    out.append(lang.copyright(g, outlet))
    return out


def _doubled(g: _G, paragraphs: list[str]) -> list[str]:
    if g.chance(0.5):  # the seed: the body, then its paragraphs again from the second one on
        return list(paragraphs) + list(paragraphs[1:])
    return [p for p in paragraphs for _ in (0, 1)]  # every paragraph twice


def _published(dt: datetime, lang) -> str:
    return dt.astimezone(lang.tz).isoformat(timespec="seconds")


def _pick_weighted(g: _G, table) -> str:
    x = g.r()
    acc = 0.0
    for name, w in table:
        acc += w
        if x < acc:
            return name
    return table[-1][0]


class _Stream:
    """An endless, deterministic stream of articles in publication order."""

    def __init__(self, seed: int) -> None:
        self.g = _G(seed)
        self.pools = self._pools(_G(seed * 1_000_003 + 7))
        self.heap: list = []
        self.t = START
        self.story = 0
        self.serial = 0
        self.seq = 0

    @staticmethod
    def _pools(g: _G) -> dict:
        """Per language: sentence skeletons per frame (random vocabulary and numbers filled in, the
        story's own entities left as ``{o1}``-style slots) and free-vocabulary sentences. A story
        fills skeletons with its slots: the same text as writing them afresh, at a fraction of the cost."""
        pools = {}
        for code, lang in _LANGS.items():
            vocab = tuple(lang.pseudo(g) for _ in range(VOCAB_SIZE))
            ph = {k: "{" + k + "}" for k in _SLOT_KEYS}
            ph["_vocab"] = vocab
            frames = tuple(tuple(lang.sentence(g, ph, k) + " " + lang.sentence(g, ph, k) for _ in range(POOL_PER_FRAME))
                           for k in range(lang.frames))
            sep = "" if code in ("ja", "zh") else " "
            fillers = tuple(lang.filler(g, ph) + sep + lang.filler(g, ph) for _ in range(POOL_FILLERS))
            pools[code] = (frames, fillers, vocab)
        return pools

    def _say(self, lang, e: dict):
        """A story's sentence source: a filler, or a skeleton of one of its frames with its slots filled."""
        frames, fillers, _ = self.pools[lang.code]
        mine = tuple(frames[k] for k in e["frames"])
        slots = _Slots(e)
        r = self.g.r
        nf, nm = len(fillers), len(mine)

        def say() -> str:
            if r() < FILLER_SHARE:
                return fillers[int(r() * nf)].format_map(slots)
            pool = mine[int(r() * nm)]
            return pool[int(r() * len(pool))].format_map(slots)
        return say

    def _push(self, dt: datetime, rec: dict, row: dict) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (dt, self.seq, rec, row))

    def _base(self, lang, e: dict, dt: datetime, event_id: str, shared: str | None) -> None:
        g = self.g
        self.story += 1
        cid = f"c{self.story:07d}"
        outlets = lang.outlets
        home = g.pick(outlets)
        say = self._say(lang, e)
        paragraphs = _body(g, say, shared)
        title = lang.title(g, e)
        own = list(paragraphs)
        if g.chance(0.33):  # the outlet's own byline / copyright
            if g.chance(0.7):
                own.append(lang.byline(g, home))
            own.append(lang.copyright(g, home))
        self.serial += 1
        url = _url(g, home, title, dt, self.serial)
        self._push(dt, {"url": url, "title": title, "body": "\n".join(own), "published": _published(dt, lang),
                        "source": home[0], "lang": lang.code},
                   {"url": url, "cluster_id": cid, "base_id": cid, "variant": "original", "lang": lang.code, "event": event_id})
        if not g.chance(VARIANT_SHARE):
            return
        used = {home[0]}
        for _ in range(g.ri(1, 3)):
            free = [o for o in outlets if o[0] not in used]
            outlet = g.pick(free or outlets)
            used.add(outlet[0])
            vdt = dt + timedelta(seconds=g.ri(600, 36 * 3600))
            kind = _pick_weighted(g, VARIANT_KINDS)
            vt = title
            if kind == "exact_copy":
                body = own
            else:
                body = paragraphs
                if "light_edit" in kind:
                    body = _light_edit(g, lang, e, say, body)
                if kind == "lead_only":
                    body = body[:max(1, -(-len(body) * 6 // 10))]
                    if g.chance(0.5):
                        body = body + [lang.cont]
                if "doubled" in kind:
                    body = _doubled(g, body)
                if "boilerplate" in kind:
                    body = _boilerplate(g, lang, e, outlet, vdt, body)
                if g.chance(0.4):
                    vt = f"{title} | {outlet[0]}" if g.chance(0.6) else f"{title} ({outlet[0]})"
            self.serial += 1
            vurl = _url(g, outlet, vt, vdt, self.serial)
            self._push(vdt, {"url": vurl, "title": vt, "body": "\n".join(body), "published": _published(vdt, lang),
                             "source": outlet[0], "lang": lang.code},
                       {"url": vurl, "cluster_id": cid, "base_id": cid, "variant": kind, "lang": lang.code, "event": event_id})

    @staticmethod
    def _sibling(g: _G, lang, e: dict, vocab: tuple[str, ...]) -> dict:
        """Another story about the same event: same main company, person, place, topic, amount, date and
        project and four of its ten terms; its own other companies, official, side topics, terms and frames."""
        s = lang.event(g)
        rest = [k for k in range(lang.frames) if k not in e["frames"]]
        frames = tuple(g.rng.sample(rest, min(len(rest), len(s["frames"]))))
        shared = ("o1", "p1", "p1t", "gov", "l1", "t1", "m1", "d1", "proj", "fut") + _LEX[:4]
        s.update((k, g.pick(vocab)) for k in _LEX)
        return {**s, **{k: e[k] for k in shared}, "frames": frames}

    def _next_story(self) -> None:
        g = self.g
        lang = _LANGS[_pick_weighted(g, LANG_SHARE)]
        e = lang.event(g)
        vocab = self.pools[lang.code][2]
        e.update((k, g.pick(vocab)) for k in _LEX)
        event_id = f"e{self.story + 1:07d}"
        if g.chance(SAME_EVENT_SHARE):
            shared = lang.background(g, e)
            self._base(lang, e, self.t, event_id, shared)
            later = self.t + timedelta(seconds=g.ri(3600, 12 * 3600))
            self._base(lang, self._sibling(g, lang, e, vocab), later, event_id, shared)
        else:
            self._base(lang, e, self.t, event_id, None)

    def __iter__(self):
        g = self.g
        while True:
            # everything still to come is published at or after self.t: what is before it is final
            while self.heap and self.heap[0][0] <= self.t:
                _, _, rec, row = heapq.heappop(self.heap)
                yield rec, row
            self._next_story()
            self.t += timedelta(seconds=max(1, int(g.rng.expovariate(1.0 / MEAN_GAP_SECONDS))))


def generate_full(n: int, seed: int = 0) -> tuple[list[dict], dict[str, str], list[dict]]:
    """The first ``n`` articles of stream ``seed``: records, gold url -> cluster id, manifest rows."""
    records: list[dict] = []
    manifest: list[dict] = []
    if n <= 0:
        return records, {}, manifest
    for rec, row in _Stream(seed):
        records.append(rec)
        manifest.append(row)
        if len(records) >= n:
            break
    return records, {r["url"]: r["cluster_id"] for r in manifest}, manifest


def generate(n: int, seed: int = 0) -> tuple[list[dict], dict[str, str]]:
    """``n`` synthetic articles (url, title, body, published, source, lang) and gold url -> cluster id."""
    records, gold, _ = generate_full(n, seed)
    return records, gold


def write_gold(path: str, gold: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for url, cid in gold.items():
            fh.write(f"{url}\t{cid}\n")


def write_manifest(path: str, manifest: list[dict]) -> None:
    cols = ("url", "cluster_id", "base_id", "variant", "lang", "event")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\t".join(cols) + "\n")
        for row in manifest:
            fh.write("\t".join(row[c] for c in cols) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write N synthetic news articles as JSON lines to stdout.")
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold", help="also write url<TAB>cluster_id here")
    ap.add_argument("--manifest", help="also write the scorer manifest (url, cluster_id, base_id, variant, lang, event) here")
    args = ap.parse_args(argv)
    records, gold, manifest = generate_full(args.n, args.seed)
    if args.gold:
        write_gold(args.gold, gold)
    if args.manifest:
        write_manifest(args.manifest, manifest)
    try:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `... | head`: fine
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
