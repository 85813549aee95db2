"""Built-in lines: a last resort when neither the scenario nor the persona has a line for an intent.

A persona's own lines normally speak; these are deliberately plain so they fit any customer.
"""

from __future__ import annotations

from simcoach.content.vocabulary import Band, Intent

C, T, H = Band.calm, Band.tense, Band.heated

FALLBACK: dict[Intent, dict[Band, tuple[str, ...]]] = {
    Intent.opening: {
        C: ("Hi. I need some help with something, please.",),
        T: ("Hi. I've got a problem and I need it sorted.",),
        H: ("Right. I need this fixed, today.",),
    },
    Intent.complaint: {
        C: ("It's just not what I expected, that's all.", "I'd really like this sorted out."),
        T: ("This shouldn't have happened in the first place.", "I'm honestly fed up with this."),
        H: ("This is ridiculous. I shouldn't have to chase you.", "I've had enough of this."),
    },
    Intent.answer: {
        C: ("It's {value}.", "{value}, I think."),
        T: ("{value}. Does that help?", "It's {value}."),
        H: ("{value}. Now can we get on with it?", "It's {value}. I've said that."),
    },
    Intent.deflect: {
        C: ("I'd rather not get into that just yet.", "Why do you need to know that?"),
        T: ("I don't see why that matters.", "Can we stick to the actual problem?"),
        H: ("That's not the point.", "Don't change the subject."),
    },
    Intent.unknown: {
        C: ("I'm not sure, sorry.", "I honestly don't know."),
        T: ("I don't know. Isn't that on your side?", "No idea, sorry."),
        H: ("How would I know that?", "I don't know. That's why I'm asking you."),
    },
    Intent.pushback: {
        C: ("Sorry, but what does that actually mean for me?", "Can you be a bit more specific?"),
        T: ("That doesn't really answer my question.", "When, though? I need an actual answer."),
        H: ("That's not an answer.", "You're not listening to me."),
    },
    Intent.triggered: {
        C: ("Excuse me? There's no need for that.", "I don't think that's fair."),
        T: ("Don't talk to me like that.", "Seriously? That's your answer?"),
        H: ("Don't you dare put this on me.", "Unbelievable. Are you even listening?"),
    },
    Intent.sarcasm: {
        C: ("Oh, lovely.", "Great. Just great."),
        T: ("Brilliant. That's really helpful.", "Oh good, that makes it all better."),
        H: ("Fantastic. Just what I needed.", "Oh, wonderful. Thanks so much."),
    },
    Intent.soften: {
        C: ("OK. Thank you, that helps.", "Right. Thanks for explaining."),
        T: ("OK. Sorry, it's been a long day.", "Alright. Thanks for actually listening."),
        H: ("OK. Fine. Go on.", "Alright. I'm listening."),
    },
    Intent.accept: {
        C: ("OK, that works for me. Thank you.", "Great, let's do that. Thanks."),
        T: ("OK. Fine. Please make sure it happens.", "Alright, that's fair. Thank you."),
        H: ("Fine. Do it.", "OK. Just make sure it actually happens."),
    },
    Intent.hang_up: {
        C: ("I'll leave it there, thanks. Bye.", "I'll try another way. Goodbye."),
        T: ("Forget it. I'm going elsewhere.", "This is going nowhere. Bye."),
        H: ("I'm done. Goodbye.", "Forget it. I'm hanging up."),
    },
    Intent.supervisor: {
        C: ("Could I speak to someone more senior, please?",),
        T: ("I'd like to speak to your supervisor.",),
        H: ("Put me through to your manager. Now.",),
    },
    Intent.acknowledge: {
        C: ("OK.", "Right, go on."),
        T: ("Mm. Go on.", "OK, and?"),
        H: ("And?", "Go on then."),
    },
}
