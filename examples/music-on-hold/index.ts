// A hunt group whose callers hear recordings: a welcome, music while they wait, and a goodbye
// when the queue times out. The recordings live beside the program; changing one replaces the
// audio file in the pool and points the workflow and the queue at the new one.
import * as pulumi from "@pulumi/pulumi";
import * as rgs from "pulumi-rgs";

const welcome = new rgs.AudioFile("welcome", { source: new pulumi.asset.FileAsset("audio/welcome.wav") });
const music = new rgs.AudioFile("music", { source: "audio/hold-music.wav", fileName: "Contoso hold music.wav" });
const goodbye = new rgs.AudioFile("goodbye", { source: "audio/goodbye.wav" });

const agents = new rgs.AgentGroup("reception-agents", {
  name: "Reception Agents",
  routingMethod: "LongestIdle",
  agentsByUri: ["sip:rita@contoso.com", "sip:raj@contoso.com"],
});

const queue = new rgs.Queue("reception", {
  name: "Reception",
  agentGroupIds: [agents.id],
  timeoutThreshold: 300,
  // The text is spoken if the recording cannot be played.
  timeoutAction: { action: "Terminate", prompt: { audioFileId: goodbye.id, textToSpeech: "Sorry, nobody can take your call. Goodbye." } },
});

export const workflow = new rgs.Workflow("reception-line", {
  name: "Contoso Reception",
  primaryUri: "sip:reception@contoso.com",
  lineUri: "tel:+14255550130",
  active: true,
  customMusicOnHoldFileId: music.id,
  defaultAction: {
    action: "TransferToQueue",
    queueId: queue.id,
    prompt: { audioFileId: welcome.id, textToSpeech: "Welcome to Contoso." },
  },
}).id;

// The pool's own settings: music for workflows without their own, and a shorter ringback grace
// period. Writing them needs a token of role admin.
new rgs.ServiceSettings("settings", { agentRingbackGracePeriod: 30, defaultMusicOnHoldFileId: music.id });

export const recordings = { welcome: welcome.sha256, music: music.sha256, goodbye: goodbye.sha256 };
