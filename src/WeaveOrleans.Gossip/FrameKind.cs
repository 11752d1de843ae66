namespace WeaveOrleans.Gossip;

/// <summary>The type byte of a frame on the wire; also the key of the per-kind counters.</summary>
public enum FrameKind : byte
{
    Hello = 1,
    Auth = 2,
    Refuse = 3,
    Ping = 4,
    Message = 5,
    Challenge = 6,
}
