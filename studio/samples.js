// What the studio starts with before anything is loaded or pasted. No image URLs: a preview
// must not fetch anything beyond the widget's own files.

export const DIALOGE_SAMPLE = {
  display: {
    name: "Nordlys Assistant",
    welcome_message: "Hi! Ask me about returns, products or shipping.",
    subtitle: { text: "Usually answers at once" },
  },
  theme: {
    brand: { primary_color: "#0B6463" },
    surface: { background_color: "#FFFFFF", muted_text_color: "#5F6B7A" },
    header: { button: { background_color: "#0B6463", icon_color: "#FFFFFF" } },
    messages: {
      assistant: { background_color: "#F1F5F4", text_color: "#10201F" },
      user: { background_color: "#0B6463", text_color: "#FFFFFF" },
    },
    input: {
      text_color: "#10201F",
      placeholder_color: "#5F6B7A",
      background_color: "#FFFFFF",
      send_button: { icon_color: "#0B6463" },
    },
    product_card: { discount_price_color: "#B3380A", button: { background_color: "#10201F", bold: true } },
    font: { web: { family: "system-ui, sans-serif" } },
  },
  dark_theme: {
    brand: { primary_color: "#2DD4BF" },
    surface: { background_color: "#0F1A19", muted_text_color: "#A3AEBB" },
    header: { button: { background_color: "#134E4A", icon_color: "#F0FDFA" } },
    messages: {
      assistant: { background_color: "#1F2A29", text_color: "#F0FDFA" },
      user: { background_color: "#14B8A6", text_color: "#04201D" },
    },
    input: {
      text_color: "#F0FDFA",
      placeholder_color: "#A3AEBB",
      background_color: "#1F2A29",
      send_button: { icon_color: "#2DD4BF" },
    },
    product_card: { discount_price_color: "#FB923C", button: { background_color: "#2DD4BF" } },
  },
  start_prompts: [{ prompt_text: "What is your return policy?" }, { prompt_text: "Show me products on sale" }],
  popup_messages: [{ id: "pm_welcome", text: "Questions about an order? Ask me!", delay_ms: 2000 }],
  language: "en",
};

export const OPENDIALOG_SAMPLE = {
  general: { chatbotName: "Nordlys Assistant", teamName: "Nordlys Shop", messageDelay: 400 },
  colours: {
    headerBackground: "#0B6463",
    headerText: "#FFFFFF",
    launcherBackground: "#0B6463",
    messageListBackground: "#FFFFFF",
    sentMessageBackground: "#0B6463",
    sentMessageText: "#FFFFFF",
    receivedMessageBackground: "#F1F5F4",
    receivedMessageText: "#10201F",
    userInputBackground: "#FFFFFF",
    userInputText: "#10201F",
    buttonBackground: "#FFFFFF",
    buttonText: "#0B6463",
    iconBackground: "#0B6463",
  },
  texts: { inputPlaceholder: "Type your message…" },
};
