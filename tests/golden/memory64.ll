define internal void @wasm_func_0(ptr %vmctx, i64 %p0, i64 %p1) #0 {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %l1 = alloca i64
  store i64 %p1, ptr %l1
  %t5 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t7 = getelementptr inbounds i8, ptr %t6, i64 0
  %t8 = load ptr, ptr %t7, !invariant.load !{}
  %t17 = load ptr, ptr %vmctx, !invariant.load !{}
  %t42 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t43 = load ptr, ptr %t42, !invariant.load !{}
  %t44 = load i64, ptr %t43
  %t45 = call ptr @llvm.stacksave.p0()
  %t46 = ptrtoint ptr %t45 to i64
  %t47 = icmp ult i64 %t46, %t44
  br i1 %t47, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i64, ptr %l1
  %t4 = load i64, ptr %l0
  %t9 = getelementptr inbounds i8, ptr %t8, i64 8
  %t10 = load i64, ptr %t9, !tbaa !7
  %t11 = icmp ult i64 %t10, 4
  %t12 = sub i64 %t10, 4
  %t13 = icmp ugt i64 %t4, %t12
  %t14 = or i1 %t11, %t13
  br i1 %t14, label %trap_memory_oob, label %ok15, !prof !0
ok15:
  %t16 = add nuw i64 %t4, 2
  %t18 = getelementptr i8, ptr %t17, i64 %t16
  %t19 = load i16, ptr %t18, align 1, !tbaa !3
  %t20 = sext i16 %t19 to i64
  %t21 = getelementptr inbounds i8, ptr %t8, i64 8
  %t22 = load i64, ptr %t21, !tbaa !7
  %t23 = icmp ult i64 %t22, 16
  %t24 = sub i64 %t22, 16
  %t25 = icmp ugt i64 %t3, %t24
  %t26 = or i1 %t23, %t25
  br i1 %t26, label %trap_memory_oob, label %ok27, !prof !0
ok27:
  %t28 = add nuw i64 %t3, 8
  %t29 = getelementptr i8, ptr %t17, i64 %t28
  store i64 %t20, ptr %t29, align 1, !tbaa !3
  %t30 = load i64, ptr %l0
  %t31 = getelementptr inbounds i8, ptr %t8, i64 8
  %t32 = load i64, ptr %t31, !tbaa !7
  %t33 = icmp ult i64 %t32, 4611686018427387904
  %t34 = sub i64 %t32, 4611686018427387904
  %t35 = icmp ugt i64 %t30, %t34
  %t36 = or i1 %t33, %t35
  br i1 %t36, label %trap_memory_oob, label %ok37, !prof !0
ok37:
  %t38 = add nuw i64 %t30, -16
  %t39 = getelementptr i8, ptr %t17, i64 %t38
  %t40 = load i8, ptr %t39, align 1, !tbaa !3
  %t41 = zext i8 %t40 to i32
  ret void
trap_memory_oob:
  call void @wasmc_trap(ptr %vmctx, i32 2)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i64 @wasm_func_1(ptr %vmctx, i64 %p0) #0 {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %t5 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t7 = getelementptr inbounds i8, ptr %t6, i64 0
  %t8 = load ptr, ptr %t7, !invariant.load !{}
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i64, ptr %l0
  %t4 = call i64 @wasmc_memory_grow64(ptr %vmctx, i32 0, i64 %t3)
  %t9 = getelementptr inbounds i8, ptr %t8, i64 8
  %t10 = load i64, ptr %t9, !tbaa !7
  %t11 = lshr i64 %t10, 16
  ret i64 %t11
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i64 @wasm_func_2(ptr %vmctx, i64 %p0) #0 {
entry:
  %l0 = alloca i64
  store i64 %p0, ptr %l0
  %t4 = getelementptr inbounds i8, ptr %vmctx, i64 24
  %t5 = load ptr, ptr %t4, !invariant.load !{}
  %t6 = getelementptr inbounds i8, ptr %t5, i64 0
  %t7 = load ptr, ptr %t6, !invariant.load !{}
  %t22 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t23 = load ptr, ptr %t22, !invariant.load !{}
  %t24 = load i64, ptr %t23
  %t25 = call ptr @llvm.stacksave.p0()
  %t26 = ptrtoint ptr %t25 to i64
  %t27 = icmp ult i64 %t26, %t24
  br i1 %t27, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i64, ptr %l0
  %t8 = getelementptr inbounds i8, ptr %t7, i64 8
  %t9 = load i32, ptr %t8, !tbaa !7
  %t10 = zext i32 %t9 to i64
  %t11 = icmp uge i64 %t3, %t10
  br i1 %t11, label %trap_table_oob, label %ok12, !prof !0
ok12:
  %t13 = load ptr, ptr %t7, !tbaa !7
  %t14 = getelementptr inbounds ptr, ptr %t13, i64 %t3
  %t15 = load ptr, ptr %t14, !tbaa !7
  %t16 = load i64, ptr %l0
  %t17 = icmp ugt i64 %t16, 4294967295
  %t18 = trunc i64 %t16 to i32
  %t19 = select i1 %t17, i32 -1, i32 %t18
  %t20 = call i32 @wasmc_table_grow(ptr %vmctx, i32 0, ptr null, i32 %t19)
  %t21 = sext i32 %t20 to i64
  ret i64 %t21
trap_table_oob:
  call void @wasmc_trap(ptr %vmctx, i32 7)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_ll_(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i64, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load i64, ptr %ap1
  call void %callee(ptr %vmctx, i64 %a0, i64 %a1)
  ret void
}
define internal void @wasm_host_ll_(ptr %host, i64 %a0, i64 %a1) {
  %slots = alloca [2 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i64 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store i64 %a1, ptr %ap1
  call void @wasmc_host_call(ptr %host, ptr %slots)
  ret void
}
define internal void @wasm_entry_l_l(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i64, ptr %ap0
  %r = call i64 %callee(ptr %vmctx, i64 %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i64 %r, ptr %rp0
  ret void
}
define internal i64 @wasm_host_l_l(ptr %host, i64 %a0) {
  %slots = alloca [1 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i64 %a0, ptr %ap0
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i64, ptr %rp0
  ret i64 %r0
}
@wasmc_funcs = constant [3 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1, ptr @wasm_func_2]
@wasmc_direct_copies = constant [3 x ptr] [ptr null, ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_ll_, ptr @wasm_entry_l_l]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_ll_, ptr @wasm_host_l_l]
declare void @wasmc_host_call(ptr, ptr)
declare i64 @wasmc_memory_grow64(ptr, i32, i64)
declare i32 @wasmc_table_grow(ptr, i32, ptr, i32)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}
