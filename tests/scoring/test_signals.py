"""Each signal fires on a line that shows the behaviour, with a span that quotes it."""

from __future__ import annotations

import pytest

from simcoach.content.rubric import Rubric
from simcoach.content.vocabulary import SignalKind as K
from simcoach.scoring.models import ChatTurn, TurnAssessment
from simcoach.scoring.offline import OfflineScorer
from simcoach.scoring.signals import customer_view

from .conftest import agent, customer, score

UPSET = [customer("I've been charged twice for my order and now my account is overdrawn. I'm so worried.")]
SARCASTIC = [customer("Oh great, another outage. Just what I needed on a Monday.")]
GAVE_ORDER = [
    customer("My order 48213377 arrived broken."),
    agent("Sorry to hear that."),
    customer("Yes, smashed."),
]
ASKED = [customer("When will I get my refund?")]

CASES: list[tuple[K, list[ChatTurn], str, str]] = [
    (K.open_question, UPSET, "What happened when you noticed the second charge?", "What happened"),
    (K.open_question, UPSET, "ok so how has this affected your week", "how has this"),
    # asking for the worst of it invites an account, however the tense reads
    (K.open_question, UPSET, "What's been the hardest part of this for you?", "What's been the hardest"),
    (K.open_question, UPSET, "What was the most stressful bit?", "What was the most"),
    # an adverb after the wh-word does not change what it asks
    (K.open_question, UPSET, "What exactly happened when you noticed the second charge?", "What exactly"),
    (K.open_question, UPSET, "What actually happens when you try to pay?", "What actually happens"),
    # asking what the trouble seems to be, what it is like, or what others said invites an account
    (K.open_question, UPSET, "What seems to be the problem with the account?", "What seems to be"),
    (K.open_question, UPSET, "What's it like trying to budget with the account overdrawn?", "What's it like"),
    (K.open_question, UPSET, "What did the bank say when you called them?", "What did the bank say"),
    (K.open_question, UPSET, "What's been going on with the account since then?", "What's been going on"),
    (K.closed_question, UPSET, "Is it the card ending 4411?", "Is it the card"),
    (K.closed_question, UPSET, "What exactly is the card number?", "What exactly is the card number"),
    (K.elicitation, UPSET, "Walk me through what you saw on the statement.", "Walk me through"),
    # an invitation after a comma invites as surely as one that opens the sentence
    (K.elicitation, UPSET, "I'm here to listen, tell me about it.", "tell me about it"),
    (K.stacked_questions, UPSET, "When? Which card? How much? Which shop?", "When?"),
    (K.leading_question, UPSET, "You did check the basket before paying, didn't you?", "You did check"),
    (K.leading_question, UPSET, "Wouldn't you agree the bank is to blame?", "Wouldn't you agree"),
    # a tag after any lead-in puts the answer in the customer's mouth
    (
        K.leading_question,
        UPSET,
        "Just so I'm clear, you didn't get a confirmation email, did you?",
        "you didn't get a confirmation",
    ),
    (
        K.leading_question,
        UPSET,
        "The statement shows both, and you didn't raise it at the time, did you?",
        "you didn't raise it",
    ),
    (K.leading_question, UPSET, "I mean, you'd manage a bit more than that, wouldn't you?", "you'd manage"),
    (K.closed_question, UPSET, "What was the tracking number?", "What was the tracking number"),
    (
        K.reask,
        [customer("My agreement is LB-22871 and you took the laptop.")],
        "Could you give me the agreement number?",
        "agreement number",
    ),
    (K.policy_hiding, UPSET, "As per section 9.3 of our terms, a £49 fee applies to refunds.", "section 9"),
    (
        K.policy_hiding,
        UPSET,
        "Gearbox parts are wear and tear under section 4.2 of the warranty terms.",
        "section 4",
    ),
    (K.policy_hiding, UPSET, "That's covered in the policy terms, so the decision's final.", "covered in"),
    (K.already_said, UPSET, "How many times do I have to tell you, it's non-refundable.", "How many times"),
    (
        K.cant_help,
        [customer("I want a full refund today.")],
        "That's not going to happen, I'm afraid.",
        "not going",
    ),
    (K.validation, UPSET, "That's a fair question, and I want to look at it properly.", "a fair question"),
    # "what a nightmare" after "sorry" exclaims over the fault; it is no question of the agent's
    (
        K.specific_apology,
        [customer("My parcel never came.")],
        "I'm so sorry, what a nightmare with the parcel never arriving.",
        "what a nightmare",
    ),
    # the company's fault said back in a clause of its own still restates the customer's problem
    (
        K.content_reflection,
        UPSET,
        "I'm so sorry, our system charged the order twice and the account went overdrawn.",
        "our system charged",
    ),
    (
        K.reassurance,
        UPSET,
        "You rang us straight away, which was exactly the right thing to do.",
        "the right thing",
    ),
    (K.follow_up, UPSET, "What did the bank say about the overdrawn account?", "What did the bank"),
    # "more" with nothing after it is more of what the customer just said
    (K.follow_up, UPSET, "Could you tell me more?", "tell me more"),
    (K.reask, GAVE_ORDER, "Can you give me the order number?", "order number"),
    # a reference is a number the customer gave as surely as an order number
    (
        K.reask,
        [customer("We had a flood on 2 Feb, claim ref HC-88213, and nobody has called since.")],
        "Can I have your claim reference please?",
        "claim reference",
    ),
    (K.reask, [], "Could I take your email address again?", "email address again"),
    (
        K.content_reflection,
        UPSET,
        "So you were charged twice and the account went overdrawn.",
        "charged twice",
    ),
    # a tentative reflection ("maybe you…" with no modal) reflects; "maybe you could…" would advise
    (
        K.content_reflection,
        UPSET,
        "Maybe you're worried the overdrawn account will cost you fees on top of being charged twice.",
        "Maybe you're worried",
    ),
    (K.feeling_reflection, UPSET, "That sounds really worrying.", "worrying"),
    # hyphenated feeling phrases are found like any other
    # a summary after a frame that says "this is what I understood" paraphrases in the agent's own words
    (
        K.content_reflection,
        UPSET,
        "Just to check I've understood: the shop took the money two times and left you short.",
        "Just to check",
    ),
    (
        K.content_reflection,
        UPSET,
        "Let me make sure I have this right, the shop took the money two times and left you short.",
        "Let me make sure",
    ),
    (K.content_reflection, UPSET, "So to clarify, you paid two times and the bank is in the red.", "clarify"),
    (
        K.content_reflection,
        UPSET,
        "If I understand you correctly, the shop took the money two times and left you short.",
        "If I understand you correctly",
    ),
    (
        K.content_reflection,
        UPSET,
        "If I get you right, the shop took the money two times.",
        "If I get you right",
    ),
    # a reflection and a question in one sentence are both: the statement is read on its own
    (
        K.content_reflection,
        UPSET,
        "You said the account went overdrawn after the second charge - did the bank add a fee?",
        "You said the account went overdrawn",
    ),
    (K.feeling_reflection, UPSET, "That sounds nerve-wracking.", "nerve-wracking"),
    # "down", "low" and "bad" name a feeling when someone feels, sounds or seems them
    (K.feeling_reflection, UPSET, "You sound really down about it.", "down"),
    (K.feeling_reflection, UPSET, "You said you get worried when the bank writes to you.", "worried"),
    (K.feeling_reflection, UPSET, "It sounds like you feel low after all this.", "low"),
    (K.feeling_reflection, UPSET, "I can tell you are feeling really bad about the account.", "bad"),
    (
        K.content_reflection,
        [customer("My brother was little. So he did not understand my feelings.")],
        "It sounds as though your family does not agree with or understand your situation.",
        "It sounds as though",
    ),
    # a comma after "so" is how chat writes it; "are you saying…?" restates while it checks
    (
        K.content_reflection,
        [customer("The engineer cancelled twice and I took both days off work.")],
        "So, you've lost two days of work waiting for us?",
        "So, you've lost",
    ),
    (
        K.content_reflection,
        UPSET,
        "Are you saying the second charge left the account overdrawn?",
        "Are you saying",
    ),
    (K.content_reflection, UPSET, "I can tell you're worried the account will stay overdrawn.", "I can tell"),
    # a feeling named before a question in the same sentence is reflected, then asked about
    (
        K.feeling_reflection,
        [customer("little depressed")],
        "I am sorry to hear that you're feeling depressed, do you want to talk about it?",
        "depressed",
    ),
    (K.feeling_reflection, UPSET, "That sounds worrying, what did the bank say?", "worrying"),
    (K.feeling_reflection, UPSET, "It seems you've had the run-around from us.", "run-around"),
    # a two-word interjection before the situation ("oh no, that…") says nothing, like "oh,"
    (K.feeling_reflection, UPSET, "Oh no, that can't have been easy.", "can't have been easy"),
    (K.feeling_reflection, UPSET, "Oh dear, being charged twice can't be pleasant.", "can't be pleasant"),
    # the weight on the person and the toll it takes are feelings said back, without a feeling word
    (
        K.feeling_reflection,
        UPSET,
        "You must be under a lot of pressure right now.",
        "pressure",
    ),
    (K.feeling_reflection, UPSET, "It must feel like a lot of pressure.", "pressure"),
    (K.feeling_reflection, UPSET, "I can tell that this has really affected you.", "affected you"),
    (K.feeling_reflection, UPSET, "It sounds like this has been weighing on you.", "weighing on you"),
    (K.feeling_reflection, UPSET, "That must be very emotional for you.", "emotional"),
    (K.feeling_reflection, UPSET, "It's all a bit much at once, isn't it? Let's slow down.", "bit much"),
    # in the customer's place the agent would feel it too: the feeling is the customer's
    (K.feeling_reflection, UPSET, "A second charge and an overdraft? I'd be furious too.", "furious"),
    (K.feeling_reflection, UPSET, "A second charge and an overdraft? I'd be fuming too.", "fuming"),
    # "I think", "I reckon" hedge the agent's reading of the customer: the feeling is still the customer's
    (
        K.feeling_reflection,
        UPSET,
        "With the account overdrawn on rent day, I reckon anyone would be panicking.",
        "panicking",
    ),
    (
        K.feeling_reflection,
        UPSET,
        "A second charge on rent day - I think anyone would be worried.",
        "worried",
    ),
    # a shock, and being shaken by it, are feelings the agent can name
    (K.feeling_reflection, UPSET, "A charge you never agreed to must have been a real shock.", "shock"),
    (K.feeling_reflection, UPSET, "Being charged twice - no wonder you're shaken.", "shaken"),
    # "I know it's been…" reads the customer's weeks; the agent is not the one who had them
    (K.feeling_reflection, UPSET, "I know it's been a really hard few weeks.", "hard"),
    (K.feeling_reflection, UPSET, "Oh, wow. That is really traumatic.", "traumatic"),
    (K.feeling_reflection, UPSET, "I'm sure that makes you feel unappreciated.", "unappreciated"),
    (K.feeling_reflection, UPSET, "Two charges at once would make me anxious as well.", "anxious"),
    (K.feeling_reflection, UPSET, "That has to be frustrating with the account overdrawn.", "frustrating"),
    (K.feeling_reflection, UPSET, "That's gotta be brutal with the account overdrawn.", "brutal"),
    # what ought to have happened is no advice: the restatement before it is still a reflection
    (
        K.content_reflection,
        UPSET,
        "So you were charged twice for the order, money you should never have lost.",
        "charged twice",
    ),
    (
        K.content_reflection,
        UPSET,
        "So you were charged twice for the order and should have been refunded by now.",
        "charged twice",
    ),
    (
        K.validation,
        UPSET,
        "You should have had the refund back by now.",
        "should have had the refund back by now",
    ),
    # frames typed as people type them: "it sounds that…", "I could see how…", "I gather that…"
    (K.feeling_reflection, UPSET, "It sounds that you don't feel heard by the bank.", "don't feel heard"),
    (K.feeling_reflection, UPSET, "I could see how bad you feel about the overdraft.", "bad"),
    (K.content_reflection, UPSET, "I gather your bank has left you short before payday.", "I gather"),
    # a restatement said as a question is a check of understanding, not a probe
    (
        K.understanding_check,
        UPSET,
        "So what you are saying is that the second charge left you overdrawn?",
        "what you are saying is",
    ),
    (K.feeling_reflection, UPSET, "I understand how that can hurt.", "hurt"),
    (K.feeling_reflection, UPSET, "It has got to feel really stressful this week.", "stressful"),
    (K.feeling_reflection, UPSET, "After all that you probably felt empty.", "empty"),
    (K.feeling_reflection, UPSET, "From what you say, the overdraft has been a real blow.", "a real blow"),
    (K.content_reflection, UPSET, "Sounds as if the bank has left you stranded.", "Sounds as if"),
    # "the best you could" praises what was done; it is no advice that cancels the reflection
    (
        K.feeling_reflection,
        UPSET,
        "You did the best you could and it has got to feel awful to be overdrawn.",
        "awful",
    ),
    # chat is typed fast: a misspelt feeling is the same feeling
    (K.feeling_reflection, UPSET, "That has to be frusterating with the account overdrawn.", "frusterating"),
    (K.feeling_reflection, UPSET, "You sound really dissapointed in us, and I get why.", "dissapointed"),
    (K.feeling_reflection, UPSET, "You must feel embarassed having a card declined.", "embarassed"),
    # a felt sense said as what it is like, with the customer as the one who feels
    (
        K.feeling_reflection,
        UPSET,
        "You must feel as though the bank has taken advantage of you.",
        "feel as though",
    ),
    (K.feeling_reflection, UPSET, "So you feel as if nobody has listened to you?", "feel as if"),
    (
        K.feeling_reflection,
        UPSET,
        "I can feel the weight on your shoulders with this.",
        "weight on your shoulders",
    ),
    (
        K.feeling_reflection,
        UPSET,
        "You sound a little more confident now the refund is on its way.",
        "confident",
    ),
    # "it might be" hedges the feeling; it suggests nothing
    (K.feeling_reflection, UPSET, "It seems like it might be overwhelming for you now.", "overwhelming"),
    # the "I" of a reflective frame is the listener: the feeling named is still the customer's
    (K.feeling_reflection, UPSET, "I can imagine what a worrying week this has been.", "worrying"),
    (
        K.feeling_reflection,
        UPSET,
        "I can see where that would be stressful with the account overdrawn.",
        "stressful",
    ),
    (
        K.content_reflection,
        UPSET,
        "I hear you saying you're out of pocket until this is sorted.",  # a paraphrase: no shared words
        "I hear you saying",
    ),
    (K.understanding_check, UPSET, "Have I got that right?", "Have I got that right"),
    (K.stock_frame, UPSET, "I understand your frustration.", "I understand your frustration"),
    (K.stock_frame, UPSET, "I totally get what you are saying.", "I totally get what you are saying"),
    (K.stock_frame, UPSET, "I get it, that's a lot.", "I get it"),
    (K.stock_frame, UPSET, "I feel for you.", "I feel for you"),
    (K.validation, UPSET, "That's completely understandable.", "completely understandable"),
    (K.specific_apology, UPSET, "I'm sorry we charged you twice.", "sorry we charged you twice"),
    (K.hollow_apology, UPSET, "Sorry for any inconvenience.", "Sorry for any inconvenience"),
    # a casual apology, and an apology that gives an excuse, name nothing that went wrong for the customer
    (K.hollow_apology, UPSET, "My bad, the lines are busy today.", "My bad"),
    (K.hollow_apology, UPSET, "Sorry, the lines are busy today.", "Sorry"),
    (K.ownership, UPSET, "I'll refund the duplicate payment myself.", "I'll refund"),
    (K.next_step, UPSET, "I'm raising the refund now.", "raising the refund"),
    (K.ownership, UPSET, "I'm upgrading it to next-day delivery now.", "I'm upgrading"),
    (K.ownership, UPSET, "First, I'm freezing the card right now.", "I'm freezing"),
    (K.ownership, UPSET, "I'm rebooking you now on the 6:40pm flight.", "I'm rebooking"),
    (K.ownership, UPSET, "I've expedited the refund so it lands sooner.", "I've expedited"),
    (K.ownership, UPSET, "I've re-sent the refund confirmation to your email.", "I've re-sent"),
    (K.ownership, UPSET, "I've lifted the block on your card.", "I've lifted"),
    (K.next_step, UPSET, "I'm extending the payment date to the 30th.", "extending the payment date"),
    # a committed outcome with its time answers "will it come?" as surely as an owned action
    (K.time_frame, UPSET, "Yes, the refund will arrive in your account by Friday.", "by Friday"),
    (K.next_step, UPSET, "It will be back in your account by 5pm today.", "It will be back"),
    (K.next_step, UPSET, "I've removed the second charge, it won't show again.", "removed the second"),
    (K.next_step, UPSET, "I've corrected the balance on your account this morning.", "corrected the balance"),
    # a negation in the clause before a dash does not negate the commitment after it
    (
        K.ownership,
        UPSET,
        "The account will not go further overdrawn - I'm putting a hold on it right now.",
        "I'm putting a hold",
    ),
    # "…and I'm…" starts a clause of its own: the "not" of what came before does not reach it
    (
        K.ownership,
        UPSET,
        "That's not good enough and I'm going to fix it today.",
        "I'm going to fix",
    ),
    # the step is what the agent commits to, not an action word in the problem they restate first
    (
        K.next_step,
        UPSET,
        "I'm sorry the second payment was processed at all. I'm refunding it now.",
        "I'm refunding it now",
    ),
    (K.time_frame, UPSET, "I'll refund it within 24 hours.", "within 24 hours"),
    (K.vague_timeline, UPSET, "Someone will look at it soon.", "soon"),
    (K.reassurance, UPSET, "Don't worry, we'll get this sorted.", "Don't worry"),
    (K.validation, UPSET, "Anyone in your position would be upset about an overdrawn account.", "Anyone in"),
    # affirming the customer's own plan or effort
    (K.reassurance, UPSET, "Ringing the bank first sounds like a sensible plan.", "sensible plan"),
    (K.reassurance, UPSET, "Ringing the bank first sounds like the right call.", "the right call"),
    (K.reassurance, UPSET, "Those all sound like good steps to take.", "good steps"),
    (K.reassurance, UPSET, "You're definitely doing the right thing checking it.", "doing the right"),
    (K.reassurance, UPSET, "You've kept every receipt, you are doing a great job.", "doing a great job"),
    (K.reassurance, UPSET, "I can see you've been working really hard to keep on top of it.", "working"),
    # affirming the person: their qualities and the way they are coping
    (K.reassurance, UPSET, "You're very intelligent and emotionally mature.", "You're very intelligent"),
    (K.reassurance, UPSET, "You are a strong person and you will get there.", "You are a strong"),
    (K.reassurance, UPSET, "I think you're handling the whole thing well.", "handling the whole thing well"),
    (K.reassurance, UPSET, "I think you are being really sensible about it.", "being really sensible"),
    (K.reassurance, UPSET, "Don't give up. Keep trying.", "Don't give up"),
    (K.reassurance, UPSET, "Your children are lucky to have you.", "lucky to have you"),
    (K.reassurance, UPSET, "I'm sure they will come around.", "I'm sure they will"),
    (K.reassurance, UPSET, "You're making the right call ringing the bank.", "You're making the right call"),
    # lifting blame off the customer, and telling them they are not the odd one out, reassure
    (K.reassurance, UPSET, "It is not your fault. The bank took it twice.", "not your fault"),
    (K.reassurance, UPSET, "Please don't beat yourself up over the overdraft.", "don't beat yourself up"),
    (K.reassurance, UPSET, "There is nothing to feel ashamed of here.", "nothing to feel ashamed of"),
    (K.reassurance, UPSET, "Being overdrawn is not unusual after a double charge.", "not unusual"),
    (K.reassurance, UPSET, "It happens to lots of people, it's easy to fix.", "happens to lots of"),
    (K.reassurance, UPSET, "Ringing us straight away was a really good step.", "good step"),
    (K.reassurance, UPSET, "I'm glad you are keeping every receipt.", "glad you are"),
    (K.reassurance, UPSET, "That's a good way to look at it.", "good way to look at it"),
    (K.reassurance, UPSET, "You are very proactive about the account.", "You are very proactive"),
    (K.reassurance, UPSET, "I bet you're closer to sorting it than you think.", "I bet you're"),
    (
        K.reassurance,
        UPSET,
        "It's the same for lots of people after a double charge.",
        "same for lots of people",
    ),
    (K.reassurance, UPSET, "Sounds like you're doing all the right things.", "doing all the right things"),
    (K.reassurance, UPSET, "It will be refunded, I can assure you.", "I can assure you"),
    # technical support's own steps are next steps
    (K.next_step, UPSET, "Let me run a line test now; it takes two minutes.", "Let me run a line test now"),
    (K.next_step, UPSET, "I'll restart the router from here in a moment.", "I'll restart the router"),
    # "myself", "my end", "my manager", "my best": the agent owning the customer's problem
    (K.ownership, UPSET, "I'll chase the refund myself today.", "I'll chase"),
    (K.ownership, UPSET, "I'll speak to my manager about the charge now.", "I'll speak"),
    (K.ownership, UPSET, "I'll do my best to get the charge reversed.", "I'll do"),
    (K.reassurance, UPSET, "You have done very well to spot it. Don't get discouraged.", "done very well"),
    (K.reassurance, UPSET, "You've already taken a big step by ringing us.", "taken a big step"),
    (K.explanation, UPSET, "That happened because the payment was retried.", "because"),
    (K.explanation, UPSET, "The second charge was due to a retry on our side.", "due to"),
    (K.calm_down, UPSET, "Please don't use capitals, I am trying to help.", "don't use capitals"),
    # for a customer who is lost: it is alright, and we will do it together, step by step
    (K.reassurance, UPSET, "That's alright, we'll go through it together.", "we'll go through it together"),
    (K.reassurance, UPSET, "We can take it one step at a time.", "one step at a time"),
    (K.alternative, UPSET, "What I can do instead is cover the overdraft fee.", "What I can do instead"),
    (K.calm_down, UPSET, "Please calm down.", "calm down"),
    # a negation in the clause before "and I…" does not reach into it
    (K.calm_down, UPSET, "That is not fair and I need you to calm down.", "calm down"),
    (K.blame, UPSET, "You should have checked before paying.", "You should have"),
    (K.blame, UPSET, "You shouldn't have deleted the app.", "You shouldn't have"),
    (K.validation, UPSET, "Two charges and no answer - that's not on.", "that's not on"),
    (
        K.validation,
        UPSET,
        "A different answer every call - I'd be losing patience too.",
        "I'd be losing patience too",
    ),
    # what should have been done for the customer validates them ("you shouldn't have had to chase")
    (
        K.validation,
        UPSET,
        "You shouldn't have to explain it three times, I'm sorry.",
        "You shouldn't have to",
    ),
    (
        K.validation,
        UPSET,
        "If you paid on time you shouldn't have been charged at all.",
        "shouldn't have been",
    ),
    (
        K.validation,
        UPSET,
        "You should have been told about the fee before it was taken.",
        "should have been told",
    ),
    (K.policy_hiding, UPSET, "That's our policy.", "our policy"),
    (K.policy_hiding, UPSET, "Per our data protection policy I can only talk to the holder.", "Per our"),
    (K.cant_help, UPSET, "There's nothing I can do about that.", "nothing I can do"),
    # passing the customer to another team is a wall, whatever the modal
    (K.cant_help, UPSET, "You would need to contact billing for that.", "You would need to contact billing"),
    (K.policy_hiding, UPSET, "As per our terms, refunds are issued in order.", "As per our terms"),
    (K.dismissive, UPSET, "Unfortunately that's just how it works.", "that's just how it works"),
    # an offer to do it for the customer owns it
    (K.ownership, UPSET, "I can refund the second charge for you today.", "I can refund"),
    (K.ownership, UPSET, "I can close the overdrawn account for you today.", "I can close"),
    (K.already_said, UPSET, "As I already said, it takes ten days.", "As I already said"),
    (K.understand_but, UPSET, "I understand, but the system shows two orders.", "I understand, but"),
    (K.already_said, UPSET, "For the last time, the refund takes five days.", "For the last time"),
    (K.already_said, UPSET, "I'm telling you for the second time: it's processing.", "telling you"),
    (K.understand_but, UPSET, "I understand, but we will not be refunding the fee.", "I understand, but"),
    # a rule stated after "but" is no good news: "the summons is issued automatically" refuses
    (
        K.understand_but,
        UPSET,
        "I understand, but the summons is issued automatically once the system shows arrears.",
        "I understand, but",
    ),
    (K.literal_sarcasm_reply, SARCASTIC, "Glad to hear it! Anything else?", "Glad to hear"),
    (K.literal_sarcasm_reply, SARCASTIC, "Thank you for the kind words!", "Thank you for the kind words"),
    (K.literal_sarcasm_reply, SARCASTIC, "I'm glad it worked out for you!", "I'm glad it"),
    # "I'll just cancel all my calls then, shall I?" taken at its word
    (
        K.literal_sarcasm_reply,
        [customer("Oh brilliant. An eight-till-six window. Lovely. I'll just cancel my calls, shall I?")],
        "Yeah, that'd be great if you could, so someone's in for the engineer!",
        "that'd be great",
    ),
    (K.literal_sarcasm_reply, SARCASTIC, "Sounds good! I'll note that down.", "Sounds good"),
    # thanking a sarcastic "I'll just wait, shall I" for its patience takes it at its word
    (
        K.literal_sarcasm_reply,
        SARCASTIC,
        "Thank you so much for your patience and understanding, it's really appreciated.",
        "Thank you so much for your patience",
    ),
    # "I get why you'd…" grants the customer's reaction, however emphatic the "get"
    (K.validation, UPSET, "I totally get why you'd be worried after last time.", "I totally get why you"),
    (K.dismissive, UPSET, "It's not a big deal, these things happen.", "big deal"),
    (K.dismissive, UPSET, "Look, it happens. The bank will sort it.", "it happens"),
    (K.dismissive, UPSET, "I'm sure you can appreciate that we have rules.", "I'm sure you can appreciate"),
    (K.dismissive, UPSET, "As I'm sure you understand, refunds take time.", "I'm sure you understand"),
    # minimising the customer's problem
    (K.calm_down, UPSET, "Don't panic, it's just a standard letter.", "Don't panic"),
    (K.dismissive, UPSET, "Honestly, it could have been so much worse.", "could have been so much worse"),
    (K.dismissive, UPSET, "It's really not that serious.", "not that serious"),
    # a silver lining offered instead of hearing the problem
    (K.dismissive, UPSET, "Look on the bright side, you've still got the card.", "Look on the bright side"),
    (K.dismissive, UPSET, "Everything happens for a reason.", "Everything happens for a reason"),
    (K.dismissive, UPSET, "At least it's only one payment.", "At least it's only"),
    # deflecting blame and policing the customer's tone escalate as surely as "calm down"
    (K.dismissive, UPSET, "It's not my fault the refund is late.", "not my fault"),
    (K.dismissive, UPSET, "With respect, that wasn't our fault.", "wasn't our fault"),
    (K.calm_down, UPSET, "Don't take that tone with me.", "take that tone"),
    (K.calm_down, UPSET, "Why are you shouting at me?", "Why are you shouting"),
    # "not sure why…" hedges; it negates nothing that follows
    (K.calm_down, UPSET, "I'm not sure why you're shouting at me.", "why you're shouting"),
    (K.hostile_language, UPSET, "If you keep shouting I'm going to end this chat.", "end this chat"),
    # insults count whatever their form or target: no hand-written word list may hide them
    (K.hostile_language, UPSET, "Honestly, the morons in dispatch lost it again.", "morons"),
    (K.hostile_language, UPSET, "That was sheer stupidity on the courier's part.", "stupid"),
    (K.ignored_question, ASKED, "Thanks for contacting us today.", "Thanks for contacting"),
    # a sceptical question is still a question the customer wants answered
    (
        K.ignored_question,
        [customer("Are you actually going to refund me?")],
        "Thanks for contacting us today.",
        "Thanks for contacting",
    ),
    (
        K.ignored_question,
        [customer("Do you ever deliver on Saturdays?")],
        "Thanks for contacting us.",
        "Thanks",
    ),
    (K.personalisation, [customer("My name is Priya and my washer leaks.")], "Priya, let me help.", "Priya"),
    # owning the fault: "not good enough from us", "our failure", what should have happened and did not
    (K.validation, UPSET, "That's really not good enough from us.", "That's really not good enough"),
    (K.validation, UPSET, "thats not good enough from us.", "thats not good enough"),
    (K.validation, UPSET, "I'm sorry, that's our failure.", "that's our failure"),
    (K.validation, UPSET, "That should have been explained to you at the start.", "That should have been"),
    (K.validation, UPSET, "This should have been treated as a priority.", "This should have been"),
    (K.validation, UPSET, "You're still £129 out of pocket - I'd be asking the same thing.", "I'd be asking"),
    (K.validation, UPSET, "This is an emergency and I'm treating it as one.", "This is an emergency"),
    # what the agent has already done to stop the harm
    (K.ownership, UPSET, "I've frozen the card right now so nothing else can go out.", "I've frozen"),
    (K.ownership, UPSET, "I've stopped all future charges from today.", "I've stopped"),
]


@pytest.mark.parametrize(
    ("kind", "context", "text", "quote"), CASES, ids=[f"{c[0].value}-{i}" for i, c in enumerate(CASES)]
)
def test_signal_fires_with_a_span_quoting_it(
    kind: K, context: list[ChatTurn], text: str, quote: str, core: Rubric, scorer: OfflineScorer
) -> None:
    assert_fires(score(scorer, core, text, context), kind, quote)


def assert_fires(result: TurnAssessment, kind: K, quote: str) -> None:
    """The turn carries a ``kind`` signal whose span quotes ``quote``."""
    found = result.of(kind)
    assert found, [(s.kind.value, s.span.text if s.span else "") for s in result.signals]
    assert any(s.span is not None and quote.lower() in s.span.text.lower() for s in found), found


@pytest.mark.parametrize(
    ("kind", "context", "text"),
    [
        (K.open_question, UPSET, "Have you tried restarting the app?"),  # advice, not a probe
        (K.closed_question, UPSET, "Would you like me to refund it?"),  # an offer
        # asking for the reason suggests no answer; "why would you…" and "why didn't you…" reproach
        (K.leading_question, UPSET, "Why did you decide to move the payment date?"),
        (K.closed_question, UPSET, "So you were charged twice?"),  # a reflection said as a question
        (K.closed_question, UPSET, "I can add a credit to the account. Would that help?"),  # acceptance check
        (K.calm_down, UPSET, "I'd never tell you to calm down; let me fix this."),
        (K.understand_but, UPSET, "I know it's hard, but I'll sort it out for you today."),
        # hope after the "but" is no refusal
        (
            K.understand_but,
            UPSET,
            "I know it's really hard, but I think you will work things out with the bank.",
        ),
        (K.feeling_reflection, UPSET, "Don't worry, I'm on it."),
        # "I feel as though…" is the agent's opinion; "make her feel as if…" a third person's
        (K.feeling_reflection, UPSET, "I feel as though you did the right thing calling us."),
        (K.feeling_reflection, UPSET, "Telling her won't make her feel as if you're going behind her back."),
        (K.reassurance, UPSET, "When it happened to me, I never give up."),  # the agent's own story
        # "I get" and "I feel" are a stock phrase only with what they take in ("I get it", "I feel for you")
        (K.stock_frame, UPSET, "When I get stressed about money, I ring the bank first."),
        (K.stock_frame, UPSET, "I feel good about getting this sorted for you today."),
        # what the agent found on the account is information, not a stock phrase of empathy
        (K.stock_frame, UPSET, "I can see there's a second charge on the 3rd."),
        (K.stock_frame, UPSET, "May I know what happened when you saw the second charge?"),  # asks
        # an answer about the agent shares the customer's words without reflecting them
        (
            K.content_reflection,
            [customer("Do you have the premium package on your account?")],
            "No, I do not have the premium package.",
        ),
        # "nothing" negates: no feeling reflected, no ownership claimed
        (K.feeling_reflection, UPSET, "There is nothing to be ashamed of in asking for help."),
        (K.ownership, UPSET, "There's nothing more I can do until the bank replies."),
        # the closing question QA forms ask for is no script
        (
            K.scripted_delivery,
            [customer("Brilliant, that's sorted then. Thanks so much.")],
            "You're welcome, glad we got there. Is there anything else I can help you with today?",
        ),
        # a goodbye's well-wish is courtesy, like "good luck"
        (K.reassurance, UPSET, "Thanks for calling, I hope you have a great day!"),
        # the agent's own plans are no ownership of the customer's problem
        (K.ownership, UPSET, "It was good to talk. I'm going to hug my sons a bit harder tonight."),
        # "what you have been doing" is a topic, not praise
        (K.reassurance, UPSET, "Send us what you have been doing with the account this month."),
        (K.understanding_check, UPSET, "I understand what you are saying about the overdraft."),
        (K.feeling_reflection, UPSET, "The envelope was empty when it reached you?"),  # a thing, not a person
        (K.stock_frame, UPSET, "I can see your account went overdrawn on the 4th."),
        (K.stock_frame, UPSET, "I can see on the system that both payments went through."),
        (K.stock_frame, UPSET, "I understand there's been a fault with card payments this week."),
        (K.explanation, UPSET, "When is the next payment due to go out of the account?"),
        (K.blame, UPSET, "You shouldn't have to explain it three times, I'm sorry."),
        (K.validation, UPSET, "I'd be happy to look at the account for you too."),
        (K.blame, UPSET, "If you paid on time you shouldn't have been charged at all."),
        (K.blame, UPSET, "You should have been told about the fee before it was taken."),
        (K.blame, UPSET, "You should have had the refund back by now."),
        (K.blame, UPSET, "You should have a word with your bank about the overdraft."),  # advice
        # a well-wish at goodbye is courtesy: it answers no worry of the customer's
        (K.reassurance, UPSET, "Right, good luck with the bank!"),
        (K.reassurance, UPSET, "I wish you all the best with the account."),
        # the agent's own feelings and story are no reflection of the customer's
        (K.feeling_reflection, UPSET, "That's a shame, the refund should have gone through."),  # pity
        (K.feeling_reflection, UPSET, "I am also worried for people like you on that tariff."),
        (K.feeling_reflection, UPSET, "My own card was charged twice last year. It was a nightmare."),
        (K.content_reflection, UPSET, "I suffered an overdrawn account myself after a double charge."),
        (K.reassurance, UPSET, "I'm glad to hear the card arrived."),  # glad of a thing, not of the customer
        (K.reassurance, UPSET, "It was your fault, you didn't check the statement."),
        # "whatever" before a clause is a determiner ("whatever you use"), not a shrug
        (K.dismissive, UPSET, "A standing charge is a fixed daily fee, whatever you use."),
        (K.follow_up, UPSET, "Could you tell me more about your travel plans?"),  # more of something else
        (K.ownership, UPSET, "I'm not sure I can refund that."),  # a doubt, not a commitment
        (K.ownership, UPSET, "I can only imagine how stressful this is for you."),
        (K.ownership, UPSET, "I can't refund that for you."),
        # "at least" that credits what the customer did is no silver lining
        (K.dismissive, UPSET, "At least you rang us straight away, which makes the refund quicker."),
        (K.dismissive, UPSET, "It's good that you're able to look on the bright side about this."),  # theirs
        # "get over it" is a brush-off as an order, not as the customer's struggle said back
        (K.dismissive, UPSET, "So you feel you are struggling to get over it, is that correct?"),
        (K.dismissive, UPSET, "It's not your fault at all, and I'll sort the refund today."),  # reassures
        (K.dismissive, UPSET, "That was our fault, not yours, and I'm sorry."),  # owns it
        (K.feeling_reflection, UPSET, "I'm afraid the shop is closed."),
        (K.feeling_reflection, UPSET, "It's really down to the bank now."),  # "down to": up to
        (K.feeling_reflection, UPSET, "That was a bad line, the call kept dropping."),
        # a feeling the customer might have one day is advice's condition, not a reflection
        (K.feeling_reflection, UPSET, "Whenever you feel worried, ring the bank first."),
        (K.feeling_reflection, UPSET, "Thanks. If you ever feel down again, call a friend."),
        (K.feeling_reflection, UPSET, "If you're worried about fees, the bank can waive them."),
        # "leave you alone" stops a nuisance; it names no loneliness
        (K.feeling_reflection, UPSET, "The bank needs to leave you alone until this is sorted."),
        # "if so, you…" is a condition and "I can tell you one thing" informs: neither says anything back
        (K.content_reflection, UPSET, "If so, you can dispute the second charge with the bank online."),
        (
            K.content_reflection,
            UPSET,
            "I can tell you one thing: the second charge on the account is pending.",
        ),
        # a boiler's pressure, and a change that affects the account, are no feelings
        (
            K.feeling_reflection,
            [customer("My boiler pressure keeps dropping.")],
            "So the pressure drops at night?",
        ),
        (K.feeling_reflection, UPSET, "The new overdraft fee affects you from May."),
        (K.feeling_reflection, UPSET, "The new fee has affected you since May, on that tariff."),
        (K.feeling_reflection, UPSET, "I understand your feelings about the overdraft fee."),
        (K.feeling_reflection, UPSET, "You can ask the bank for emotional support too, they have a team."),
        # "that has to be" frames a reflection only before how it feels, not in a relative clause
        (
            K.content_reflection,
            UPSET,
            "The refund form has to be signed, and that has to be posted.",
        ),
        (K.feeling_reflection, UPSET, "I'm positive the refund will reach the account by Friday."),
        # "it might be worth…" suggests; it does not say back what the customer said
        (K.content_reflection, UPSET, "It might be worth checking the account for the second charge."),
        (K.content_reflection, UPSET, "It might be easier to ask the bank about the overdrawn account."),
        (K.ownership, UPSET, "Unfortunately there's nothing I can do about the charge."),
        # a subordinate clause is part of the question it opens, not a reflection
        (K.content_reflection, UPSET, "While the charge is reversed, is the account still overdrawn?"),
        # "hard" of effort is no feeling: the agent is not reflecting anything
        (K.feeling_reflection, UPSET, "Our team is working hard on your refund right now."),
        (K.feeling_reflection, UPSET, "I'll try really hard to get your fee reversed today."),
        (K.literal_sarcasm_reply, UPSET, "Glad to hear it!"),  # the customer was not sarcastic
        (K.reask, [customer("It arrived broken.")], "What's your order number?"),
        (K.policy_hiding, UPSET, "It's our policy, but what I can do instead is refund the fee."),
        # "if I understand you correctly" checks a summary; it is no stock "I understand"
        (K.stock_frame, UPSET, "If I understand you correctly, you were charged twice, is that right?"),
        (K.next_step, UPSET, "We will not be refunding the fee."),  # a refusal commits to nothing
        (K.next_step, UPSET, "You'll have to request the refund yourself."),
        (K.next_step, UPSET, "It should arrive at some point."),  # no commitment, no time
        # "I understand, but…" followed by a commitment or good news does not cancel the acknowledgement
        (K.understand_but, UPSET, "I understand, but we'll have the second charge reversed by Friday."),
        (K.understand_but, UPSET, "I understand, but the refund is already on its way to you."),
        (K.understand_but, UPSET, "I understand, but the refund has already been issued to your card."),
        # the customer's problem happening again is no agent repeating themselves
        (K.already_said, UPSET, "Your account's been charged twice, for the second time this month."),
        (K.understand_but, UPSET, "I understand, but there is something we can try right now."),
        (K.content_reflection, UPSET, "You should have checked the order twice."),  # blame, not a reflection
        (K.ownership, UPSET, "Let me make sure I have this right: you were charged twice?"),  # a check
        # the agent clarifying their own words is not a summary of the customer's
        (K.content_reflection, UPSET, "Just to clarify, our refunds take three to five working days."),
        # advice that reuses the customer's words is still advice, and the agent's own story is not theirs
        (K.content_reflection, UPSET, "It often helps to ring the bank about the overdrawn account first."),
        (K.content_reflection, UPSET, "I think it's important that the bank hears the account is overdrawn."),
        (K.content_reflection, UPSET, "One option is a formal complaint about being charged twice."),
        (K.content_reflection, UPSET, "I've struggled with an overdrawn account charged twice myself."),
        # a jab at the agent is not a question waiting for an answer: not "ignored" when the agent moves on
        (
            K.ignored_question,
            [customer("Are you even reading my messages?")],
            "Thanks for contacting us today.",
        ),
        (K.ignored_question, [customer("Are you reading off a script?")], "Thanks for contacting us today."),
        (K.ignored_question, [customer("Do you people actually care?")], "Thanks for contacting us today."),
        (
            K.ignored_question,
            [customer("How many times do I have to say it?")],
            "Thanks for contacting us today.",
        ),
        (K.ignored_question, [customer("What's the point of this chat?")], "Thanks for contacting us today."),
        (K.ignored_question, [customer("Is anyone there listening?")], "Thanks for contacting us today."),
        # accusing jabs from the shipped scenarios: answered by a reflection, not ignored
        (
            K.ignored_question,
            [customer("So it's my fault, is it?")],
            "It sounds like losing your job has turned everything upside down.",
        ),
        (
            K.ignored_question,
            [customer("That's not really what I asked, though, is it?")],
            "You're right, let me look at the charge itself now.",
        ),
        (
            K.ignored_question,
            [customer("So you're saying pay it or else?")],
            "What would a manageable monthly amount look like for you?",
        ),
        # "I'm sure you understand…" talks down to the customer; it reassures nobody
        (K.reassurance, UPSET, "I'm sure you understand that refunds take time."),
        (K.reassurance, UPSET, "I'm sure you can appreciate we have rules about double charges."),
        # telling the customer not to apologise apologises for nothing
        (K.hollow_apology, UPSET, "No need to apologise at all, you're doing fine."),
        (K.specific_apology, UPSET, "No need to apologise for the overdrawn account."),
        # a requirement put on the customer is no ownership
        (K.ownership, UPSET, "To close the account I'll need to speak to the account holder."),
        # fillers about the conversation itself own nothing of the problem
        (K.ownership, UPSET, "Ok, let me think for one second."),
        (K.ownership, UPSET, "Sorry, I was away from the keyboard - let me catch up."),
        (K.ownership, UPSET, "I will say a prayer that it all works out."),
        # the agent's own lapse is no apology for what went wrong for the customer
        (K.specific_apology, UPSET, "Sorry, I had an internet connection problem there."),
        # a "sorry" that leads straight into the agent's own question apologises for nothing
        (K.specific_apology, GAVE_ORDER, "Sorry, yeah, and can I just confirm the order number again?"),
        # "whatever's left" and "whatever is in" are determiners, not a shrug
        (K.dismissive, UPSET, "I've asked the bank to freeze whatever's left of the money."),
        (K.dismissive, UPSET, "The refund covers whatever is on the second charge."),
        # the agent asking how often something happened is a question, not "how many times must I say"
        (K.already_said, UPSET, "How many times have you tried to pay, and what did the bank say?"),
        # "that's not going to happen" answers the customer's fear: it reassures, it refuses nothing
        (
            K.cant_help,
            [customer("I've got it in my head that bailiffs are going to turn up while the kids are home.")],
            "I can tell you straight away that's not going to happen: I've put a hold on the account.",
        ),
        # a closing clause of the agent's own story, or of everyone's, is theirs, not the customer's
        (
            K.feeling_reflection,
            UPSET,
            "I know exactly how you feel, honestly, my card was charged twice last year and it was awful.",
        ),
        (
            K.content_reflection,
            UPSET,
            "I know exactly how you feel, honestly, my card was charged twice last year and it was awful.",
        ),
        (K.feeling_reflection, UPSET, "I totally get it, we're all so worried about money these days."),
        # the insurance policy as a thing named is no policy wall
        (
            K.policy_hiding,
            UPSET,
            "So the only charge before the policy is the one in 2019, and you can't see why it matters.",
        ),
        # the customer's words inside an impersonal rule say the rule back, not what they said
        (
            K.content_reflection,
            UPSET,
            "Overdrawn accounts with a double charge are handled under section 4.2 of the account terms.",
        ),
    ],
)
def test_signal_does_not_fire_on_lookalikes(
    kind: K, context: list[ChatTurn], text: str, core: Rubric, scorer: OfflineScorer
) -> None:
    result = score(scorer, core, text, context)
    assert not result.has(kind), [(s.kind.value, s.span.text if s.span else "") for s in result.signals]


def test_mirroring_evidence_points_at_the_customer_words(core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, "So you were charged twice and your account went overdrawn.", UPSET)
    evidence = result.scores["mirroring"].evidence
    reflected = {e.text.lower() for e in evidence if e.source == "customer"}
    assert {"charged", "twice", "overdrawn"} <= reflected
    assert all(e.turn == 0 for e in evidence if e.source == "customer")


LONG_AGO = [
    customer("My husband died last month and the broadband account is still in his name."),
    agent("I'm so sorry. What would you like to do with it?"),
    customer("Another bill came for him on Monday."),
    agent("Thank you for telling me."),
    customer("I'd rather not have to ring back."),
]


def test_an_announced_recap_reaches_back_past_the_last_two_messages(
    core: Rubric, scorer: OfflineScorer
) -> None:
    recap = "So the broadband account is in your husband's name and you'd like it closed, is that right?"
    result = score(scorer, core, recap, LONG_AGO)
    assert result.scores["mirroring"].level >= 1, result.signals
    reflected = [e for e in result.scores["mirroring"].evidence if e.source == "customer"]
    assert {e.text.lower() for e in reflected} >= {"broadband", "husband"}
    assert all(e.turn == 0 for e in reflected)
    # the same words with no recap announced are an unrelated remark, not a reflection
    aside = score(scorer, core, "The broadband account is in your husband's name, I'm afraid.", LONG_AGO)
    assert aside.scores["mirroring"].level == 0


def test_parroting_earns_no_more_than_partial_credit(core: Rubric, scorer: OfflineScorer) -> None:
    context = [
        customer("I've been charged twice for my order and now my account is overdrawn and I can't pay rent")
    ]
    text = "You've been charged twice for your order and now your account is overdrawn and you can't pay rent"
    result = score(scorer, core, text, context)
    assert result.has(K.parroting)
    assert result.scores["mirroring"].level <= 1


def test_a_paraphrase_that_keeps_one_clause_is_no_echo(core: Rubric, scorer: OfflineScorer) -> None:
    # the agent's own words ("promised", "still hasn't come") around one quoted clause: a summary, checked
    context = [
        customer(
            "I was told my new phone would arrive Monday, it's Thursday, and I need it for work tomorrow."
        )
    ]
    text = (
        "So the phone was promised for Monday, it still hasn't come, and you need it for work tomorrow. "
        "Have I got that right?"
    )
    result = score(scorer, core, text, context)
    assert not result.has(K.parroting), result.signals
    assert result.scores["mirroring"].level == 2


def test_a_need_inside_an_announced_recap_is_said_back(core: Rubric, scorer: OfflineScorer) -> None:
    # "you need to…" advises on its own; after "if I understand you correctly" it restates their plan
    context = [
        customer("My interest rate went up, so I'm hoping to find more work to pay the loan off faster.")
    ]
    recap = (
        "If I understand you correctly, since the rate rise you need to take extra work to clear the loan?"
    )
    assert score(scorer, core, recap, context).has(K.content_reflection)
    advice = "You need to find more work to pay the loan off faster."
    assert not score(scorer, core, advice, context).has(K.content_reflection)


def test_question_without_question_mark(core: Rubric, scorer: OfflineScorer) -> None:
    result = score(scorer, core, "ok so can you tell me what happened with the delivery", UPSET)
    assert result.scores["probing"].level >= 1


def test_effort_is_not_a_feeling_the_customer_expressed() -> None:
    assert customer_view("I saved hard all year for this trip and it was a struggle.").feelings
    assert not customer_view("I worked hard all year and saved up for this trip.").feelings


def test_stuck_with_an_object_is_not_a_feeling() -> None:
    assert not customer_view("My son stuck the new wifi password on the fridge.").feelings
    assert customer_view("I'm stuck and nobody will help me.").negative_families == {"frustration"}
    assert customer_view("I've been stuck on hold for an hour.").negative_families == {"frustration"}


def test_a_need_said_back_is_a_reflection_not_advice(core: Rubric, scorer: OfflineScorer) -> None:
    locked = [customer("I'm locked out of my online banking and I need to pay a bill today.")]
    said_back = "So you're locked out of your banking and you need to pay a bill today. Is that right?"
    assert score(scorer, core, said_back, locked).scores["mirroring"].level >= 1
    advice = score(scorer, core, "You need to reset your banking password in the app.", locked)
    assert advice.scores["mirroring"].level == 0


def test_the_customers_own_but_said_back_cancels_nothing(core: Rubric, scorer: OfflineScorer) -> None:
    fridge = [customer("The fridge was delivered but the driver refused to take the old one away.")]
    text = "I'm sorry that the fridge was delivered but the driver refused to take the old one away."
    result = score(scorer, core, text, fridge)
    assert not result.has(K.understand_but), result.signals
    assert result.has(K.specific_apology), result.signals
    refusal = score(scorer, core, "I'm sorry about that, but the driver can't take old appliances.", fridge)
    assert refusal.has(K.understand_but)


@pytest.mark.parametrize(
    ("said", "bereaved"),
    [
        ("My husband, Alan, died on the 24th of October.", True),
        ("Both of my parents died last year.", True),
        ("Mum died in March and the bills are in her name.", True),
        ("My laptop died halfway through your update.", False),  # a machine: no loss to condole
        ("The battery died on the first day.", False),
        ("He nearly died in the crash.", False),
        ("If he died it would all go to probate.", False),
    ],
)
def test_a_death_is_a_persons(said: str, bereaved: bool) -> None:
    assert customer_view(said).bereaved is bereaved


def test_torn_fabric_is_not_a_feeling(core: Rubric, scorer: OfflineScorer) -> None:
    assert not customer_view("The sofa arrived torn and the box was torn open.").feelings
    assert customer_view("I feel really torn about whether to cancel.").negative_families == {"struggle"}
    assert customer_view("I'm torn between keeping it and sending it back.").negative_families == {"struggle"}
    sofa = [customer("The sofa arrived with a big tear in the fabric. We saved for months for this.")]
    result = score(scorer, core, "A torn sofa after months of saving, I see.", sofa)
    assert not result.has(K.feeling_reflection)


def test_not_coping_is_a_struggle_the_agent_can_name(core: Rubric, scorer: OfflineScorer) -> None:
    said = "My husband died and I'm trying to keep it all together, but the bills keep coming."
    assert customer_view(said).negative_families == {"struggle"}
    assert customer_view("Honestly I'm not coping with all these letters.").negative_families == {"struggle"}
    result = score(scorer, core, "It sounds like you can't cope with all of this at once.", [customer(said)])
    assert result.has(K.feeling_reflection), result.signals


def test_condolence_for_a_reported_death_is_a_specific_apology(core: Rubric, scorer: OfflineScorer) -> None:
    bereaved = [customer("My husband died last month and the broadband account is still in his name.")]
    result = score(scorer, core, "I'm so sorry for your loss. Let me help you close the account.", bereaved)
    assert result.has(K.specific_apology), result.signals
    assert not result.has(K.hollow_apology)
    # with no loss reported the same words name nothing that went wrong
    parcel = [customer("My parcel hasn't arrived.")]
    assert score(scorer, core, "I'm so sorry for your loss.", parcel).has(K.hollow_apology)


@pytest.mark.parametrize(
    ("line", "feels"),
    [
        # "that can't be easy" says "that must be hard" by denying the opposite: the same acknowledgement
        ("That can't be easy.", True),
        ("That can't have been easy for you.", True),
        ("That can't be pleasant at all.", True),
        ("That's no fun at all.", True),
        ("It's never easy, is it.", True),
        ("That's not a nice position to be in.", True),
        ("I imagine that hasn't been easy.", True),
        ("That wasn't easy for you, was it?", True),
        ("That isn't much fun for anyone.", True),
        # the speaker's uncertainty or a service task's difficulty says nothing of the customer's feeling
        ("It's hard to say when it will arrive.", False),
        ("It's difficult to predict with the couriers this week.", False),
        ("It's not easy to change a delivery once it's out.", False),
        ("It's tough to book an engineer before Friday.", False),
        ("It isn't easy to cancel once it's dispatched.", False),
        ("It isnt easy to cancel once its dispatched.", False),
    ],
)
def test_understatement_feels_and_a_hard_task_does_not(
    core: Rubric, scorer: OfflineScorer, line: str, feels: bool
) -> None:
    party = [customer("My parcel never arrived and I have a party tomorrow.")]
    result = score(scorer, core, line, party)
    assert result.has(K.feeling_reflection) is feels, (line, result.signals)


def test_customers_hard_task_is_not_a_feeling() -> None:
    assert not customer_view("It's hard to say why, the app just won't open.").feelings
    assert customer_view("It's not easy with two kids and no car.").negative_families == {"struggle"}


@pytest.mark.parametrize("word", ["abandoned", "rejected", "unwanted", "unloved", "worthless"])
def test_feeling_cast_aside_is_sadness(word: str) -> None:
    assert customer_view(f"Honestly I just feel {word} by all of you.").negative_families == {"sadness"}


def test_a_feeling_after_a_dash_is_the_customers(core: Rubric, scorer: OfflineScorer) -> None:
    # the "I" of "I'm so sorry" ends at the dash: the fear after it is said of the customer's situation
    gas = [customer("You've cut off my gas and I have two small kids. It's freezing.")]
    text = "I'm so sorry - two small kids in a freezing house is frightening."
    assert score(scorer, core, text, gas).has(K.feeling_reflection)


@pytest.mark.parametrize("wish", ["I hope you feel better soon!", "Hope you're feeling better soon."])
def test_a_well_wish_reflects_nothing(core: Rubric, scorer: OfflineScorer, wish: str) -> None:
    ill = [customer("I've been so ill this week and now my parcel is lost.")]
    result = score(scorer, core, wish, ill)
    assert result.scores["mirroring"].level == 0, result.signals


def test_the_agents_own_feeling_beside_a_stock_frame_is_theirs(core: Rubric, scorer: OfflineScorer) -> None:
    # "you" in "I know how you feel" does not make the agent's own stress the customer's
    ill = [customer("I've been so ill this week and I'm stressed about my lost parcel.")]
    text = "I know how you feel, I have often felt stressed when deliveries go wrong."
    assert not score(scorer, core, text, ill).has(K.feeling_reflection)


def test_a_rejected_claim_is_no_feeling() -> None:
    assert not customer_view("My rejected claim came back and now the unwanted calls have started.").feelings


def test_not_knowing_what_to_do_is_a_struggle() -> None:
    # the difficulty of knowing what to do is the customer's dilemma; of knowing when, the speaker's ignorance
    assert customer_view("It's so hard to know what to do for the best.").negative_families == {"struggle"}
    assert not customer_view("It's hard to know when the van will come.").feelings


@pytest.mark.parametrize(
    ("said", "sarcastic"),
    [
        ("Wow, thanks so much for cutting off my internet during my exam.", True),
        ("Oh sure, I'll just wait another six weeks then.", True),
        ("Yeah, because that worked so well last time.", True),
        ("Lovely. My bill's doubled. Fantastic.", True),  # a lone cheer beside a complaint
        ("Great. Thanks for sorting it so quickly.", False),  # a lone cheer with nothing wrong
        ("Brilliant. Another voicemail.", True),
        ("How very helpful of you.", True),  # the full stop after a closing cue used to hide it
        ("Well, that's very reassuring, I'm sure.", True),
        ("That's helpful, I suppose.", True),
        ("Oh, that's marvellous, that is.", True),
        ("I'll just sit here and wait, shall I.", True),
        ("Well, that was clear as mud.", True),
        ("Easy for you to say.", True),
        ("Really excellent customer service, this.", True),
        ("That's very reassuring, thank you.", False),
        ("I'm sure that's helpful for other people.", False),
        ("Thanks so much for fixing my internet before my exam.", False),
        ("Sure, I'll wait for the engineer on Friday.", False),
        # stock jabs that say the opposite, whatever the problem
        ("'Engineers are aware.' Well, that's me sorted then.", True),
        ("Perfect, that's me sorted, thanks!", False),
        ("Riveting. Go on.", True),
        ("Go on, amaze me.", True),
        ("Sorry, 'hopefully today'? Is that the technical term?", True),
        ("'We're working on it.' I'll frame that.", True),
        ("No idea. Sorry to disappoint.", True),
        ("Fine. Do it. I'll believe it when I see it.", True),
        ("Best customer experience of my life, this.", True),
    ],
)
def test_sarcasm_is_heard(said: str, sarcastic: bool) -> None:
    assert customer_view(said).sarcastic is sarcastic


@pytest.mark.parametrize(
    ("said", "closing"),
    [
        ("No, that's all, thanks.", True),
        ("That's it, cheers.", True),
        # "that's all" after a sentence ends the subject, not the conversation
        ("Things are tight. That's all.", False),
    ],
)
def test_a_customer_closes_with_that_is_all_only_as_an_answer(said: str, closing: bool) -> None:
    assert customer_view(said).closing is closing


@pytest.mark.parametrize(
    "said",
    [
        "The wedding is in 9 days and the passport tracker hasn't moved. I'm losing sleep over it.",
        "I can't sleep for thinking about the bill.",
    ],
)
def test_losing_sleep_over_it_is_worry(said: str) -> None:
    assert "anxiety" in customer_view(said).negative_families


@pytest.mark.parametrize(
    "text",
    [
        "OK, I'm sorry. Your account was charged twice and now it's overdrawn. That's not acceptable.",
        "You were charged twice and your account went overdrawn. That's on us.",
        "You were charged twice and your account went overdrawn. I'm sorry, that's not good enough.",
    ],
)
def test_a_validation_that_points_back_at_the_fault_just_said_is_specific(
    text: str, core: Rubric, scorer: OfflineScorer
) -> None:
    # "That's not acceptable." alone names nothing; after the agent has said what went wrong, "that" is it
    result = score(scorer, core, text, UPSET)
    validation = [s for s in result.signals if s.kind is K.validation]
    assert validation, [s.kind.value for s in result.signals]
    assert validation[0].detail == "specific"
    assert result.scores["deescalation"].level >= 2


def test_a_question_leading_only_by_its_tag_probes_badly_but_does_not_escalate(
    core: Rubric, scorer: OfflineScorer
) -> None:
    """A tag ("…, did you?") puts the answer in the customer's mouth (probing 0) but neither blames nor walls:
    the specific apology still de-escalates. A loaded question ("You did check…, didn't you?") escalates."""
    tagged = score(
        scorer,
        core,
        "I'm sorry we charged you twice. Just so I'm clear, you didn't get a confirmation email, did you?",
        UPSET,
    )
    assert tagged.has(K.leading_question)
    assert tagged.scores["probing"].level == 0
    assert tagged.scores["deescalation"].level == 2
    loaded = score(scorer, core, "I'm sorry. You did check the basket before paying, didn't you?", UPSET)
    assert loaded.scores["deescalation"].level == 0
