// This file holds the Korean example's built-in documents and questions,
// written for it (no third-party text).

package main

import "github.com/ganada/ganada"

func doc(id, topic, text string) ganada.Document {
	return ganada.Document{ID: id, Text: text, Metadata: map[string]string{"topic": topic}}
}

// documents returns 24 short Korean documents on eight topics.
func documents() []ganada.Document {
	return []ganada.Document{
		doc("kimchi", "음식", "김치는 배추에 고춧가루와 마늘을 넣어 발효시킨 한국의 전통 음식이다."),
		doc("bibimbap", "음식", "비빔밥은 밥 위에 여러 가지 나물과 고추장을 올려 비벼 먹는 음식이다."),
		doc("tteokbokki", "음식", "떡볶이는 매콤달콤한 양념에 떡을 볶아 만든 길거리 음식이다."),

		doc("rain", "날씨", "내일은 전국에 비가 내리고 기온이 크게 떨어질 예정입니다."),
		doc("monsoon", "날씨", "장마철에는 습도가 높아 빨래가 잘 마르지 않는다."),
		doc("winter", "날씨", "올겨울은 평년보다 춥고 눈이 많이 올 것으로 보인다."),

		doc("ktx", "여행", "서울에서 부산까지 KTX를 타면 약 두 시간 반이 걸린다."),
		doc("jeju", "여행", "제주도는 아름다운 해변과 한라산으로 유명한 관광지이다."),
		doc("gyeongju", "여행", "경주에는 불국사와 석굴암 같은 신라 시대 유적이 많이 남아 있다."),

		doc("phone", "기술", "새로 나온 스마트폰은 배터리가 오래가고 카메라 성능이 뛰어나다."),
		doc("password", "기술", "비밀번호는 길고 복잡하게 만들고 여러 사이트에서 같은 것을 쓰지 않는 것이 좋다."),
		doc("translate", "기술", "인공지능 번역기가 발전하면서 외국어 문서를 쉽게 읽을 수 있게 되었다."),

		doc("walk", "건강", "하루에 삼십 분씩 걷기만 해도 심장 건강에 도움이 된다."),
		doc("sleep", "건강", "잠을 충분히 자지 않으면 면역력이 떨어지기 쉽다."),
		doc("cold", "건강", "감기에 걸렸을 때는 물을 많이 마시고 푹 쉬어야 한다."),

		doc("rates", "경제", "한국은행이 기준금리를 올리자 대출 이자 부담이 커졌다."),
		doc("stocks", "경제", "주가가 크게 떨어지면서 투자자들의 불안이 커지고 있다."),
		doc("prices", "경제", "물가가 오르면서 장을 볼 때마다 부담이 늘었다."),

		doc("sejong", "문화", "세종대왕은 백성들이 쉽게 글을 읽고 쓸 수 있도록 훈민정음을 만들었다."),
		doc("hangulday", "문화", "한글날은 매년 10월 9일로, 한글 창제를 기념하는 날이다."),
		doc("pansori", "문화", "판소리는 한 명의 소리꾼이 북 장단에 맞춰 긴 이야기를 노래하는 전통 예술이다."),

		doc("baseball", "스포츠", "야구 대표팀이 결승전에서 9회 말 역전승을 거두었다."),
		doc("marathon", "스포츠", "마라톤 대회에 참가한 시민들이 한강을 따라 달렸다."),
		doc("football", "스포츠", "축구 선수가 후반전에 두 골을 넣어 팀의 우승을 이끌었다."),
	}
}

// questions are asked when none is given on the command line; the last
// one is English, to show cross-lingual search with a multilingual model.
var questions = []string{
	"매운 음식을 먹고 싶어요",                // I want to eat something spicy
	"주말에 비가 올까요?",                  // Will it rain at the weekend?
	"기차로 부산까지 얼마나 걸리나요?",           // How long to Busan by train?
	"한글은 누가 만들었나요?",                // Who created Hangul?
	"건강을 지키려면 어떻게 해야 하나요?",         // How do I stay healthy?
	"Why did loan interest go up?", // → 기준금리
}
